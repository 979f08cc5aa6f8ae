package io.assetalerts.contracts.codec;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The one recipe for ids made from names (RFC 4122 version 3 UUIDs of the parts joined by {@code |}): alert ids,
 * the eventId of a device reading or a registration that brings none, the simulator's reading ids. The same parts
 * always give the same id, so a replay or a re-sent record is recognisable downstream.
 */
public final class NameIds {

    private NameIds() {
    }

    /** The UUID of {@code parts[0]|parts[1]|...}, each part as {@link String#valueOf(Object)} writes it. */
    public static String of(Object... parts) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                name.append('|');
            }
            name.append(parts[i]);
        }
        return UUID.nameUUIDFromBytes(name.toString().getBytes(StandardCharsets.UTF_8)).toString();
    }
}
