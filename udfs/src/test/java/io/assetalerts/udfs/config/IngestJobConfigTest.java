package io.assetalerts.udfs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IngestJobConfigTest {

    @Test
    void onlyBootstrapServersGivesTheSpecTopicsAndNames() {
        IngestJobConfig c = IngestJobConfig.fromArgs("--bootstrap-servers", "127.0.0.1:9092");
        assertThat(c.rawTopic()).isEqualTo("telemetry.raw");
        assertThat(c.assetTopic()).isEqualTo("asset.events");
        assertThat(c.telemetryTopic()).isEqualTo("telemetry.events");
        assertThat(c.dlqTopic()).isEqualTo("telemetry-ingest.dlq");
        assertThat(c.job().groupId()).isEqualTo("telemetry-ingest");
        assertThat(c.job().transactionalIdPrefix()).isEqualTo("telemetry-ingest");
        assertThat(c.job().deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
    }

    @Test
    void alertJobOnlyFlagsAreUnknownHere() {
        assertThatThrownBy(() -> IngestJobConfig.fromArgs("--bootstrap-servers", "x:1", "--rules", "r.yaml"))
                .hasMessageStartingWith("--rules: unknown flag");
    }
}
