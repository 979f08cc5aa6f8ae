package io.assetalerts.udfs.kafka;

import java.time.Duration;

import io.assetalerts.schemas.state.Inbound;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The watermark strategies of SPEC 4.2, applied at the Kafka sources so that each partition is watermarked
 * on its own and skew between partitions is handled by the source.
 */
public final class EventTimeWatermarks {

    private EventTimeWatermarks() {
    }

    /**
     * Telemetry: bounded out-of-orderness per partition; a partition quiet for {@code idleness} is left out of event
     * time only once its source subtask has read everything committed to it ({@link CaughtUpIdleness}), so a broker
     * or partition outage never lets event time pass data still in Kafka. Rejected records carry no event time
     * ({@code Long.MIN_VALUE}), so garbage can never push event time forward and make good records late.
     */
    public static WatermarkStrategy<Inbound> telemetry(Duration outOfOrderness, Duration idleness) {
        return WatermarkStrategy.<Inbound>forGenerator(ctx -> new CaughtUpIdleness(outOfOrderness, idleness, ctx))
                .withTimestampAssigner((inbound, kafkaTimestamp) -> inbound.getReading() != null
                        ? inbound.getReading().getEvent().getTimestamp().toEpochMilli()
                        : Long.MIN_VALUE);
    }

    /**
     * Asset registrations are reference data applied as they arrive (broadcast), not events to be ordered:
     * the registry source declares itself permanently idle, so Flink leaves it out of the connected operator's
     * watermark and an empty, idle or slow {@code asset.events} never holds back telemetry's event time. (A
     * maximum watermark would be wrong: when telemetry went idle, the operator's watermark would jump to the
     * end of time and every later reading would be late.) Readings that arrive before their asset's
     * registration are held instead (see the registry join).
     */
    public static WatermarkStrategy<Inbound> referenceData() {
        return WatermarkStrategy.forGenerator(ctx -> new AlwaysIdle());
    }

    private static final class AlwaysIdle implements WatermarkGenerator<Inbound> {
        @Override
        public void onEvent(Inbound event, long eventTimestamp, WatermarkOutput output) {
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.markIdle();
        }
    }
}
