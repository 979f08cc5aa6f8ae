package io.assetalerts.tools.simulator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import io.assetalerts.tools.simulator.AssetFile.Row;
import io.assetalerts.contracts.codec.EventJson;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Publishes asset registrations from a CSV or JSON-lines file (see {@link AssetFile}) to {@code asset.events},
 * keyed by assetId, in file order, with an idempotent producer. Every row is checked first; a bad row is reported
 * on stderr as {@code FILE:LINE: REASON message} and not published, while the good rows still are.
 * Exit code: 0 when every row was published, 1 when a row was bad or publishing failed, 2 when the command line
 * or the file as a whole is unusable (nothing published).
 */
public final class RegisterAssets {

    private static final String NAME = "register-assets";
    private static final java.time.Duration SEND_TIMEOUT = java.time.Duration.ofSeconds(60);

    @Command(name = NAME, sortOptions = false, showDefaultValues = true,
            customSynopsis = "register-assets --bootstrap-servers HOST:PORT --file assets.csv|assets.jsonl [flags]",
            description = "Publishes the registrations of a file to the asset topic; bad rows are listed, not sent.",
            footer = {"CSV header: assetId,assetType,location[,timestamp]. JSON lines: AssetRegistered objects, eventId"
                    + " and eventType optional (a missing eventId is the name-based UUID of assetId and timestamp)."})
    static final class Flags {
        @Mixin
        Cli.Broker broker;

        @Option(names = "--file", required = true, paramLabel = "FILE", description = "the assets to register")
        Path file;

        @Option(names = "--format", paramLabel = "csv|jsonl",
                description = "default from the file name (.csv; .jsonl, .ndjson, .json)")
        AssetFile.Format format;

        @Option(names = "--timestamp", paramLabel = "ISO-8601", defaultValue = "now",
                description = "registration time of rows without one")
        String timestamp;

        @Option(names = "--asset-topic", paramLabel = "NAME", defaultValue = "asset.events")
        String assetTopic;
    }

    private RegisterAssets() {
    }

    public static void main(String[] args) {
        Cli.main(NAME, Flags::new, args, RegisterAssets::run);
    }

    static int run(String[] args, PrintStream out, PrintStream err, Cli.Stop stop) throws Exception {
        Flags flags = new Flags();
        Properties kafka = Cli.parse(flags, args).kafka();
        String bootstrap = flags.broker.servers;
        Path file = flags.file;
        AssetFile.Format format = flags.format == null ? AssetFile.Format.of(file) : flags.format;
        if (format == null) {
            throw new Cli.BadFlag("format", "cannot tell the format from the file name " + file.getFileName()
                    + ": give csv or jsonl");
        }
        Instant timestamp = SimulatorConfig.instant("timestamp", flags.timestamp);
        String topic = flags.assetTopic;
        if (!Files.isRegularFile(file)) {
            throw new Cli.BadFlag("file", "no such file: " + file);
        }

        List<Row> rows;
        try {
            rows = AssetFile.read(file, format, timestamp);
        } catch (AssetFile.UnreadableFileException | IOException e) {
            err.println(NAME + ": " + file + ": " + e.getMessage() + "; nothing published");
            return Cli.USAGE;
        }
        int bad = 0;
        for (Row row : rows) {
            if (!row.ok()) {
                bad++;
                err.println(file + ":" + row.line() + ": " + row.reason() + " " + row.problem());
            }
        }
        int published = publish(bootstrap, kafka, topic, rows);
        out.printf(Locale.ROOT, "%s: published %d of %d registrations from %s to %s%s%n", NAME, published,
                rows.size(), file, topic, bad == 0 ? "" : "; " + bad + " bad " + (bad == 1 ? "row" : "rows")
                        + " not published (listed above)");
        return bad == 0 ? Cli.OK : Cli.FAILED;
    }

    private static int publish(String bootstrap, Properties kafka, String topic, List<Row> rows) throws Exception {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (Row row : rows) {
            if (row.ok()) {
                records.add(new ProducerRecord<>(topic, row.registration().getAssetId(),
                        EventJson.encode(row.registration())));
            }
        }
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap, kafka, NAME)) {
            KafkaClients.sendAll(producer, records, SEND_TIMEOUT);
        }
        return records.size();
    }
}
