package io.assetalerts.tools.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.contracts.codec.NameIds;

/**
 * The simulated fleet: which assets exist, where they stand and how warm and loaded they normally run. Asset
 * ids cycle through the types ({@code TURBINE-101}, {@code PUMP-101}, {@code TRANSFORMER-101},
 * {@code TURBINE-102}, ...), so the first asset of each type has a name a script can rely on; locations and
 * baselines follow from the seed.
 */
public final class Fleet {

    /** One simulated asset and its normal operating point. */
    public record Asset(int index, String assetId, String assetType, String location, double baseTemperature,
            double basePower) {
    }

    private static final String[] TYPES = {"TURBINE", "PUMP", "TRANSFORMER"};

    private static final String[] LOCATIONS = {
        "AP-Plant-7", "AP-Plant-2", "EU-Plant-3", "EU-Substation-12", "US-Plant-5", "US-Substation-9",
        "SA-Plant-1", "AF-Plant-4",
    };

    private Fleet() {
    }

    /** {@code count} assets; the same seed always gives the same fleet. */
    public static List<Asset> of(int count, long seed) {
        Random random = new Random(seed);
        List<Asset> fleet = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String type = TYPES[i % TYPES.length];
            String location = LOCATIONS[random.nextInt(LOCATIONS.length)];
            double temperature = switch (type) {
                case "TURBINE" -> uniform(random, 62, 74);
                case "PUMP" -> uniform(random, 48, 62);
                default -> uniform(random, 55, 70);
            };
            double power = switch (type) {
                case "TURBINE" -> uniform(random, 60, 95);
                case "PUMP" -> uniform(random, 8, 25);
                default -> uniform(random, 300, 600);
            };
            fleet.add(new Asset(i, type + "-" + (101 + i / TYPES.length), type, location, temperature, power));
        }
        return fleet;
    }

    /** The registration the simulator publishes for an asset when it starts streaming at {@code at}. */
    public static AssetRegistered registration(Asset asset, Instant at) {
        return AssetRegistered.newBuilder()
                .setEventId(registrationId(asset.assetId(), at))
                .setEventType("AssetRegistered")
                .setAssetId(asset.assetId())
                .setAssetType(asset.assetType())
                .setLocation(asset.location())
                .setTimestamp(at)
                .build();
    }

    /**
     * The eventId of a registration that brings none: a name-based UUID of {@code assetId|epochMillis}, so
     * publishing the same registration again produces the same event.
     */
    public static String registrationId(String assetId, Instant timestamp) {
        return NameIds.of(assetId, timestamp.toEpochMilli());
    }

    private static double uniform(Random random, double from, double to) {
        return from + random.nextDouble() * (to - from);
    }
}
