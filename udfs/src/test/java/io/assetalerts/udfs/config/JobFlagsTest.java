package io.assetalerts.udfs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The flag table of {@link JobFlags} is what the jobs read, what {@code --help} prints and what the README shows. */
class JobFlagsTest {

    private static final String BEGIN = "<!-- job-flags:begin (generated from JobFlags; JobFlagsTest keeps it) -->";
    private static final String END = "<!-- job-flags:end -->";

    @Test
    void theReadmesFlagTableIsTheGeneratedOne() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertThat(begin).as("README.md has the markers %s ... %s", BEGIN, END).isGreaterThan(0);
        assertThat(readme.substring(begin + BEGIN.length(), end).strip())
                .as("README.md's flag table; paste JobFlags.markdownTable() between the markers")
                .isEqualTo(JobFlags.markdownTable().strip());
    }

    @Test
    void theAlertJobReadsExactlyTheFlagsDeclaredForIt() {
        Flags flags = Flags.parse("--bootstrap-servers", "b:9092");
        AlertJobConfig.read(flags);
        assertThat(new TreeSet<>(flags.readKeys())).isEqualTo(declared(AlertJobConfig.JOB_NAME));
    }

    @Test
    void theIngestJobReadsExactlyTheFlagsDeclaredForIt() {
        Flags flags = Flags.parse("--bootstrap-servers", "b:9092");
        IngestJobConfig.read(flags);
        assertThat(new TreeSet<>(flags.readKeys())).isEqualTo(declared(IngestJobConfig.JOB_NAME));
    }

    @Test
    void helpNamesEveryFlagOfTheJobWithItsDefault() {
        String usage = JobFlags.usage(AlertJobConfig.JOB_NAME);
        for (JobFlags.Flag flag : JobFlags.of(AlertJobConfig.JOB_NAME)) {
            assertThat(usage).contains("--" + flag.option().key());
        }
        assertThat(usage).contains("--idleness", "default 30 s; a partition", "(required); Kafka bootstrap servers").doesNotContain("--raw-topic");
        assertThat(JobFlags.usage(IngestJobConfig.JOB_NAME)).contains("--raw-topic").doesNotContain("--dedupe-ttl");
        assertThat(JobFlags.wantsHelp("--bootstrap-servers", "b", "--help")).isTrue();
    }

    @Test
    void defaultsShownAreTheDefaultsUsed() {
        AlertJobConfig config = AlertJobConfig.fromArgs("--bootstrap-servers", "b:9092");
        assertThat(config.job().idleness()).isEqualTo(JobFlags.IDLENESS.defaultValue());
        assertThat(config.dedupeTtl()).isEqualTo(JobFlags.DEDUPE_TTL.defaultValue());
        assertThat(config.rulesTopic()).isEqualTo(JobFlags.RULES_TOPIC.defaultValue());
        assertThat(JobFlags.markdownTable()).contains("| `--dedupe-ttl` | `1 d` |", "| `--idleness` | `30 s` |",
                "| `--delivery-guarantee` | `exactly-once` |");
    }

    /** The job's flags in the table, less the two that are not settings ({@code --config}, {@code --kafka.*}). */
    private static Set<String> declared(String job) {
        return JobFlags.of(job).stream().map(f -> f.option().key())
                .filter(k -> !k.equals(Flags.CONFIG) && !k.startsWith(Flags.KAFKA_PREFIX))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
