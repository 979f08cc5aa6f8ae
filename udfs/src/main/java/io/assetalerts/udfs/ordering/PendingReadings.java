package io.assetalerts.udfs.ordering;

import java.time.Instant;
import java.util.ArrayList;

import io.assetalerts.schemas.state.Reading;
import io.assetalerts.schemas.state.ReadingBatch;
import io.assetalerts.contracts.codec.RejectReason;
import io.assetalerts.udfs.deadletters.DeadLetterOutput;
import io.assetalerts.udfs.savepoint.StateDescriptors;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;

/**
 * The event-time buffer of one asset's readings (SPEC 4.2), as both registry joins keep it: a reading waits in keyed
 * state under its timestamp, with an event-time timer at that timestamp, until the watermark passes it; a reading at
 * or behind the watermark on arrival goes to the DLQ as LATE_EVENT and is counted. The state is
 * {@code pending-readings}, the first release's name and layout.
 */
public final class PendingReadings {


    public static final String METRIC_LATE = "lateRecords";

    private final MapState<Long, ReadingBatch> byTimestamp;
    private final Counter late;
    private final String sourceTopic;
    private final String job;

    public PendingReadings(RuntimeContext context, String sourceTopic, String job) {
        this.byTimestamp = context.getMapState(StateDescriptors.pendingReadings());
        this.late = context.getMetricGroup().counter(METRIC_LATE);
        this.sourceTopic = sourceTopic;
        this.job = job;
    }

    /** Buffers a reading until the watermark passes it, or dead-letters it as LATE_EVENT if it already has. */
    public <B, OUT> void add(Reading reading,
            KeyedBroadcastProcessFunction<String, Reading, B, OUT>.ReadOnlyContext ctx) throws Exception {
        if (rejectLate(reading, ctx)) {
            return;
        }
        long timestamp = reading.getEvent().getTimestamp().toEpochMilli();
        ReadingBatch batch = byTimestamp.get(timestamp);
        if (batch == null) {
            batch = new ReadingBatch(new ArrayList<>(1));
            ctx.timerService().registerEventTimeTimer(timestamp);
        }
        batch.getReadings().add(reading);
        byTimestamp.put(timestamp, batch);
    }

    /**
     * Dead-letters the reading as LATE_EVENT, and counts it, if it is at or behind the watermark on arrival: it
     * would never be evaluated in order. True if it was.
     */
    public <B, OUT> boolean rejectLate(Reading reading,
            KeyedBroadcastProcessFunction<String, Reading, B, OUT>.ReadOnlyContext ctx) {
        long timestamp = reading.getEvent().getTimestamp().toEpochMilli();
        long watermark = ctx.timerService().currentWatermark();
        if (timestamp > watermark) {
            return false;
        }
        late.inc();
        ctx.output(DeadLetterOutput.TAG, DeadLetterOutput.forReading(reading, sourceTopic, job,
                RejectReason.LATE_EVENT, "event time " + reading.getEvent().getTimestamp()
                        + " is not after the watermark " + Instant.ofEpochMilli(watermark)));
        return true;
    }

    /** The readings stamped {@code time}, still buffered; null if there are none. */
    public ReadingBatch get(long time) throws Exception {
        return byTimestamp.get(time);
    }

    /** The readings stamped {@code time}, removed from the buffer; null if there are none. */
    public ReadingBatch take(long time) throws Exception {
        ReadingBatch batch = byTimestamp.get(time);
        if (batch != null) {
            byTimestamp.remove(time);
        }
        return batch;
    }

    /** Buffers these readings under {@code time} again, replacing what was there (a hold keeps some of them). */
    public void put(long time, ReadingBatch batch) throws Exception {
        byTimestamp.put(time, batch);
    }

    public void remove(long time) throws Exception {
        byTimestamp.remove(time);
    }
}
