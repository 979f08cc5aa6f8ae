package io.assetalerts.tools.bench;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import io.assetalerts.schemas.AssetRegistered;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code registry-heap}: the heap the broadcast asset registry takes on one subtask. SPEC 4 keeps the registry as
 * broadcast state, a map from assetId to its registration on the heap of every subtask of the evaluator; this builds
 * that map from the bench fleet's registrations, each value read back through Avro as a restore gives it, and
 * prints the heap it holds after a full GC (README "Performance", sizing).
 */
@Command(name = "registry-heap", mixinStandardHelpOptions = true,
        description = "Heap of the broadcast asset registry on one subtask, for N of the bench fleet's assets.")
final class RegistryHeapCommand implements Callable<Integer> {

    @Option(names = "--assets", defaultValue = "1000000", description = "registered assets (default ${DEFAULT-VALUE})")
    int assets;

    @Override
    public Integer call() throws Exception {
        BenchFleet fleet = new BenchFleet(new BenchFleet.Settings(assets, 42, Instant.parse("2026-01-01T00:00:00Z"),
                0, 0, 0, 0));
        SpecificDatumWriter<AssetRegistered> writer = new SpecificDatumWriter<>(AssetRegistered.class);
        SpecificDatumReader<AssetRegistered> reader = new SpecificDatumReader<>(AssetRegistered.class);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = null;
        BinaryDecoder decoder = null;
        long before = usedHeap();
        Map<String, AssetRegistered> registry = new HashMap<>();
        for (int i = 0; i < assets; i++) {
            bytes.reset();
            encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
            writer.write(fleet.registration(i), encoder);
            encoder.flush();
            decoder = DecoderFactory.get().binaryDecoder(bytes.toByteArray(), decoder);
            AssetRegistered restored = reader.read(null, decoder);
            registry.put(new String(restored.getAssetId().toString()), restored);
        }
        long held = usedHeap() - before;
        System.out.printf(java.util.Locale.ROOT, "registry-heap: %,d assets hold %,d MB of heap on one subtask, "
                + "%,d bytes an asset%n", registry.size(), held >> 20, held / assets);
        return 0;
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
