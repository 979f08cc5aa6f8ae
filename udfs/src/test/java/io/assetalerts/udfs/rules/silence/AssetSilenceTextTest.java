package io.assetalerts.udfs.rules.silence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How an ASSET_SILENT resolve says how long the silence lasted. */
class AssetSilenceTextTest {

    @ParameterizedTest
    @CsvSource({"240000, 4 min", "129600, 2 min 9.6 s", "45000, 45 s", "1250, 1.25 s", "600000, 10 min",
            "61000, 1 min 1 s"})
    void durationsReadTheWayPeopleSayThem(long millis, String text) {
        assertThat(AssetSilence.readable(millis)).isEqualTo(text);
    }
}
