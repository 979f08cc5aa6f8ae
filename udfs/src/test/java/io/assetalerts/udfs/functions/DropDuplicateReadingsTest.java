package io.assetalerts.udfs.functions;

import static io.assetalerts.udfs.functions.Fixtures.reading;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.assetalerts.schemas.state.Reading;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class DropDuplicateReadingsTest {

    @Test
    void dropsAnEventIdSeenBeforeForTheSameAsset() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Reading, Reading> harness = ProcessFunctionTestHarnesses
                .forKeyedProcessFunction(new DropDuplicateReadings(Duration.ofHours(24)),
                        r -> r.getEvent().getAssetId(), Types.STRING)) {
            harness.processElement(reading("T-1", "e1", 1, 90), 1);
            harness.processElement(reading("T-1", "e1", 1, 90), 1);
            harness.processElement(reading("T-1", "e1", 7, 120), 7);
            harness.processElement(reading("T-1", "e2", 2, 90), 2);
            harness.processElement(reading("T-2", "e1", 1, 90), 1);

            assertThat(harness.extractOutputValues())
                    .extracting(r -> r.getEvent().getAssetId() + "/" + r.getEvent().getEventId())
                    .containsExactly("T-1/e1", "T-1/e2", "T-2/e1");
        }
    }
}
