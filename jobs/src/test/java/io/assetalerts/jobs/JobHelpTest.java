package io.assetalerts.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import io.assetalerts.udfs.config.AlertJobConfig;
import io.assetalerts.udfs.config.IngestJobConfig;
import io.assetalerts.udfs.config.JobFlags;
import org.junit.jupiter.api.Test;

/** {@code --help} prints the job's flags from {@link JobFlags} and runs nothing (no broker is needed for it). */
class JobHelpTest {

    @Test
    void helpPrintsEachJobsFlagsAndRunsNothing() throws Exception {
        assertThat(mainOutput(() -> AlertJob.main(new String[] {"--help"})))
                .isEqualTo(JobFlags.usage(AlertJobConfig.JOB_NAME) + System.lineSeparator())
                .contains("--dedupe-ttl");
        assertThat(mainOutput(() -> TelemetryIngestJob.main(new String[] {"--help"})))
                .isEqualTo(JobFlags.usage(IngestJobConfig.JOB_NAME) + System.lineSeparator())
                .contains("--raw-topic");
    }

    private interface Main {
        void run() throws Exception;
    }

    private static String mainOutput(Main main) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(stdout);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
