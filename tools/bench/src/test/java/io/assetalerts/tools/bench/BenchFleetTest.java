package io.assetalerts.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import io.assetalerts.schemas.AssetRegistered;
import io.assetalerts.schemas.TelemetryReceived;
import io.assetalerts.contracts.codec.Decoded;
import io.assetalerts.contracts.codec.EventJson;
import org.junit.jupiter.api.Test;

class BenchFleetTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private static BenchFleet fleet(int assets, long seconds) {
        return new BenchFleet(new BenchFleet.Settings(assets, 42, START, seconds, 0.0001, 0.01, 300));
    }

    @Test
    void readingsAreValidContractJsonKeyedByTheirAsset() {
        BenchFleet fleet = fleet(50, 500);
        for (int asset = 0; asset < 50; asset++) {
            TelemetryReceived reading = fleet.reading(asset, 7);
            Decoded<TelemetryReceived> decoded = EventJson.decodeTelemetryReceived(EventJson.encode(reading));
            assertThat(decoded.isOk()).as(decoded.toString()).isTrue();
            assertThat(decoded.value()).isEqualTo(reading);
            assertThat(reading.getAssetId()).isEqualTo(fleet.assetId(asset));
            Decoded<AssetRegistered> registration =
                    EventJson.decodeAssetRegistered(EventJson.encode(fleet.registration(asset)));
            assertThat(registration.isOk()).isTrue();
            assertThat(registration.value().getAssetId()).isEqualTo(reading.getAssetId());
        }
    }

    @Test
    void sameSettingsSameReadings() {
        assertThat(fleet(10, 100).reading(3, 42)).isEqualTo(fleet(10, 100).reading(3, 42));
        assertThat(fleet(10, 100).eventId(3, 42)).isNotEqualTo(fleet(10, 100).eventId(3, 43));
    }

    @Test
    void oneReadingPerAssetPerSecondInterleavedInEventTimeOrder() {
        BenchFleet fleet = fleet(1000, 10);
        assertInEventTimeOrderOncePer(fleet, 1000);
        assertThat(fleet.timestampMillis(0, 0)).isEqualTo(START.toEpochMilli());
    }

    @Test
    void withAPeriodEachAssetReportsOncePerPeriodAndTheFleetStaysInEventTimeOrder() {
        BenchFleet fleet = new BenchFleet(new BenchFleet.Settings(1000, 42, START, 10, 0, 0, 0, 100));
        assertInEventTimeOrderOncePer(fleet, 100_000);
        assertThat(fleet.timestampMillis(999, 0) - START.toEpochMilli()).as("one round spreads over the period")
                .isEqualTo(99_900);
    }

    @Test
    void spikesAreSingleReadingsAbove100AndNormalReadingsStayFarBelow90() {
        BenchFleet fleet = new BenchFleet(new BenchFleet.Settings(200, 7, START, 500, 0.001, 0, 300));
        long spikes = 0;
        for (int asset = 0; asset < 200; asset++) {
            for (long second = 0; second < 500; second++) {
                double t = fleet.temperature(asset, second);
                if (fleet.isSpike(asset, second)) {
                    spikes++;
                    assertThat(t).isBetween(101.0, 106.0);
                    assertThat(fleet.isSpike(asset, second + 1)).isFalse();
                } else {
                    assertThat(t).isLessThan(82.0);
                }
            }
        }
        assertThat(spikes).isBetween(50L, 150L);
    }

    @Test
    void sustainedOverheatsLastTheirLengthInsideTheTimelineAbove90() {
        BenchFleet fleet = new BenchFleet(new BenchFleet.Settings(2000, 42, START, 500, 0, 0.01, 300));
        int overheating = 0;
        for (int asset = 0; asset < 2000; asset++) {
            if (!fleet.hasOverheat(asset)) {
                continue;
            }
            overheating++;
            long from = fleet.overheatStart(asset);
            assertThat(from).isBetween(0L, 200L);
            for (long second = from; second < from + 300; second++) {
                assertThat(fleet.temperature(asset, second)).isBetween(92.0, 100.0);
            }
            assertThat(fleet.inOverheat(asset, from + 300)).isFalse();
        }
        assertThat(overheating).isBetween(8, 40);
        // a timeline too short for three hot windows has no overheats
        BenchFleet shortTimeline = new BenchFleet(new BenchFleet.Settings(2000, 42, START, 5, 0, 1.0, 300));
        assertThat(shortTimeline.hasOverheat(0)).isFalse();
    }

    @Test
    void assetIdsCycleTypesAndCarryTheIndex() {
        assertThat(BenchFleet.assetIdOf(0)).isEqualTo("TURBINE-0000000");
        assertThat(BenchFleet.assetIdOf(1)).isEqualTo("PUMP-0000001");
        assertThat(BenchFleet.assetIdOf(999_999)).isEqualTo("TURBINE-0999999");
        assertThat(BenchFleet.assetIdOf(12_345_678)).isEqualTo("TURBINE-12345678");
    }

    /** Three rounds of the fleet (1,000 assets): never back in event time, each asset once per {@code periodMillis}. */
    private static void assertInEventTimeOrderOncePer(BenchFleet fleet, long periodMillis) {
        long previous = Long.MIN_VALUE;
        for (long round = 0; round < 3; round++) {
            for (int asset = 0; asset < 1000; asset++) {
                long t = fleet.timestampMillis(asset, round);
                assertThat(t).isGreaterThanOrEqualTo(previous);
                assertThat(t - fleet.timestampMillis(asset, 0)).isEqualTo(round * periodMillis);
                previous = t;
            }
        }
    }
}
