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
        IngestJobConfig config = read(flags);
        flags.rejectUnknown();
        return config;
    }

    /** Reads every flag of {@link JobFlags#of} this job, by its option. */
    static IngestJobConfig read(Flags flags) {
        return new IngestJobConfig(
                JobSettings.read(flags, JOB_NAME),
                flags.string(JobFlags.RAW_TOPIC),
                flags.string(JobFlags.ASSET_TOPIC),
                flags.string(JobFlags.TELEMETRY_TOPIC),
                flags.string(JobFlags.DLQ_TOPIC, JOB_NAME + ".dlq"));
    }

    @Override
    public String toString() {
        return "IngestJobConfig{" + job + ", rawTopic=" + rawTopic + ", assetTopic=" + assetTopic
                + ", telemetryTopic=" + telemetryTopic + ", dlqTopic=" + dlqTopic + "}";
    }
}
