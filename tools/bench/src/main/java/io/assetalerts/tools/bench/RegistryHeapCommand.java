package io.assetalerts.tools.bench;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.state.KnownAsset;
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
 * broadcast state, a map from assetId on the heap of every subtask of the evaluator; this builds that map from the
 * bench fleet's registrations in both layouts, the earlier one (whole registrations) and {@code known-assets}, each
 * value read back through Avro as a restore gives it, and prints the heap each holds after a full GC (README
 * "Performance", sizing).
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
        long before = usedHeap();
        Map<String, AssetRegistered> earlier = new HashMap<>();
        RoundTrip<AssetRegistered> registrations = new RoundTrip<>(AssetRegistered.class);
        for (int i = 0; i < assets; i++) {
            AssetRegistered restored = registrations.apply(fleet.registration(i));
            earlier.put(new String(restored.getAssetId()), restored);
        }
        report("asset-registry (whole registrations, releases up to 2026-12-08)", earlier.size(), usedHeap() - before);
        earlier = null;

        before = usedHeap();
        // as AssetRegistry keeps 'known-assets': type, location and registration time, one string per distinct value
        Map<String, KnownAsset> known = new HashMap<>();
        Map<String, String> shared = new HashMap<>();
        RoundTrip<KnownAsset> knownAssets = new RoundTrip<>(KnownAsset.class);
        for (int i = 0; i < assets; i++) {
            AssetRegistered r = fleet.registration(i);
            KnownAsset restored = knownAssets.apply(new KnownAsset(r.getAssetType(), r.getLocation(),
                    r.getTimestamp().toEpochMilli()));
            restored.setAssetType(shared.computeIfAbsent(restored.getAssetType(), v -> v));
            restored.setLocation(shared.computeIfAbsent(restored.getLocation(), v -> v));
            known.put(new String(r.getAssetId()), restored);
        }
        report("known-assets", known.size(), usedHeap() - before);
        return 0;
    }

    private void report(String layout, int n, long held) {
        System.out.printf(java.util.Locale.ROOT, "registry-heap: %s: %,d assets hold %,d MB of heap on one subtask, "
                + "%,d bytes an asset%n", layout, n, held >> 20, held / assets);
    }

    /** A value written and read back through Avro, as a restore gives it. */
    private static final class RoundTrip<T> {
        private final SpecificDatumWriter<T> writer;
        private final SpecificDatumReader<T> reader;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private BinaryEncoder encoder;
        private BinaryDecoder decoder;

        RoundTrip(Class<T> type) {
            writer = new SpecificDatumWriter<>(type);
            reader = new SpecificDatumReader<>(type);
        }

        T apply(T value) throws java.io.IOException {
            bytes.reset();
            encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
            writer.write(value, encoder);
            encoder.flush();
            decoder = DecoderFactory.get().binaryDecoder(bytes.toByteArray(), decoder);
            return reader.read(null, decoder);
        }
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
