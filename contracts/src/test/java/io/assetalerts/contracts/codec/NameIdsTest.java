package io.assetalerts.contracts.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import io.assetalerts.contracts.codec.AlertIds;
import org.junit.jupiter.api.Test;

class NameIdsTest {

    @Test
    void isTheVersion3UuidOfThePartsJoinedByBars() {
        assertThat(NameIds.of("TURBINE-7", "TEMPERATURE_THRESHOLD", 1768040161000L)).isEqualTo(
                UUID.nameUUIDFromBytes("TURBINE-7|TEMPERATURE_THRESHOLD|1768040161000".getBytes(StandardCharsets.UTF_8))
                        .toString());
        assertThat(UUID.fromString(NameIds.of("a")).version()).isEqualTo(3);
    }

    @Test
    void alertIdsAreUnchanged() {
        // an id in a committed savepoint fixture's alerts: the recipe may never change
        assertThat(AlertIds.of("TURBINE-7", "TEMPERATURE_THRESHOLD", 1768040161000L))
                .isEqualTo(UUID.nameUUIDFromBytes("TURBINE-7|TEMPERATURE_THRESHOLD|1768040161000"
                        .getBytes(StandardCharsets.UTF_8)).toString());
    }
}
