package io.assetalerts.udfs.config;

/**
 * Every setting of the telemetry-ingest job (SPEC 5): the shared {@link JobSettings} and its topics: device
 * readings in, registrations in, TelemetryReceived out, and its dead-letter topic.
 */
public record IngestJobConfig(
        JobSettings job,
        String rawTopic,
        String assetTopic,
        String telemetryTopic,
        String dlqTopic) {

    public static final String JOB_NAME = "telemetry-ingest";

    public static IngestJobConfig fromArgs(String... args) {
        Flags flags = Flags.parse(args);
        IngestJobConfig config = new IngestJobConfig(
                JobSettings.read(flags, JOB_NAME),
                flags.string("raw-topic", "telemetry.raw"),
                flags.string("asset-topic", "asset.events"),
                flags.string("telemetry-topic", "telemetry.events"),
                flags.string("dlq-topic", JOB_NAME + ".dlq"));
        flags.rejectUnknown();
        return config;
    }

    @Override
    public String toString() {
        return "IngestJobConfig{" + job + ", rawTopic=" + rawTopic + ", assetTopic=" + assetTopic
                + ", telemetryTopic=" + telemetryTopic + ", dlqTopic=" + dlqTopic + "}";
    }
}
