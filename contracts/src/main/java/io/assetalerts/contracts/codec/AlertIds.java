package io.assetalerts.contracts.codec;

import io.assetalerts.contracts.codec.NameIds;

/**
 * Alert ids are name-based (RFC 4122 version 3) UUIDs of {@code assetId|rule|episodeStartMillis}: the same
 * episode always gets the same id, so replays and at-least-once duplicates are recognisable downstream.
 */
public final class AlertIds {

    private AlertIds() {
    }

    public static String of(String assetId, String rule, long episodeStartMillis) {
        return NameIds.of(assetId, rule, episodeStartMillis);
    }
}
