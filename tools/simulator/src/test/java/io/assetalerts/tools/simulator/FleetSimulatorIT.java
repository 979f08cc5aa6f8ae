package io.assetalerts.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.tools.kafka.KafkaBrokerExtension;
import io.assetalerts.schemas.DeviceReading;
import io.assetalerts.contracts.codec.EventJson;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FleetSimulator against a real broker: registrations first, then exactly the generator's readings, keyed. */
class FleetSimulatorIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @BeforeAll
    static void createTopics() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int code = Cli.run("create-topics", new String[] {"--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topics", "assets:1:compact,events:4,raw:4"}, CreateTopics::run, quiet, quiet, new Cli.Stop());
        assertThat(code).isZero();
    }

    private static String simulate(String... extra) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", KAFKA.bootstrapServers(),
                "--asset-topic", "assets", "--assets", "6", "--rate", "2000", "--speedup", "100", "--seed", "5",
                "--start-time", "2026-01-10T10:15:00Z", "--incident", "PUMP-101:spike:1s", "--count", "300"));
        args.addAll(List.of(extra));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run("fleet-simulator", args.toArray(String[]::new), FleetSimulator::run,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new Cli.Stop());
        String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isZero();
        return printed;
    }

    private static List<TelemetryGenerator.Reading> expectedReadings() {
        TelemetryGenerator generator = new TelemetryGenerator(SimulatorConfig.fromArgs("--bootstrap-servers", "x",
                "--assets", "6", "--rate", "2000", "--speedup", "100", "--seed", "5", "--start-time", "2026-01-10T10:15:00Z",
                "--incident", "PUMP-101:spike:1s").generator());
        List<TelemetryGenerator.Reading> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            all.add(generator.next());
        }
        return all;
    }

    @Test
    void registersTheFleetThenStreamsTheGeneratedTelemetryKeyedByAsset() {
        String printed = simulate("--telemetry-topic", "events");

        assertThat(printed).contains("registered 6 assets on assets").contains("incident spike on PUMP-101")
                .contains("done after 300 telemetry events");
        List<AssetRegistered> registrations = KafkaTopics.readAll(KAFKA.bootstrapServers(), "assets", 6, TIMEOUT)
                .stream().map(r -> EventJson.decodeAssetRegistered(r.value()).value()).toList();
        assertThat(registrations).containsExactlyInAnyOrderElementsOf(Fleet.of(6, 5).stream()
                .map(a -> Fleet.registration(a, Instant.parse("2026-01-10T10:15:00Z"))).toList());

        List<ConsumerRecord<String, byte[]>> records =
                KafkaTopics.readAll(KAFKA.bootstrapServers(), "events", 300, TIMEOUT);
        assertThat(records).allSatisfy(r -> assertThat(r.key())
                .isEqualTo(EventJson.decodeTelemetryReceived(r.value()).value().getAssetId()));
        assertThat(records.stream().map(r -> EventJson.decodeTelemetryReceived(r.value()).value()))
                .containsExactlyInAnyOrderElementsOf(expectedReadings().stream()
                        .map(TelemetryGenerator.Reading::toEvent).toList());
    }

    @Test
    void rawFormatSendsDeviceReadingsWithReadingIds() {
        simulate("--format", "raw", "--telemetry-topic", "raw");

        List<DeviceReading> readings = KafkaTopics.readAll(KAFKA.bootstrapServers(), "raw", 300, TIMEOUT).stream()
                .map(r -> EventJson.decodeDeviceReading(r.value()).value()).toList();
        assertThat(readings).containsExactlyInAnyOrderElementsOf(expectedReadings().stream()
                .map(TelemetryGenerator.Reading::toDeviceReading).toList());
    }
}
