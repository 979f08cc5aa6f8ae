package io.assetalerts.udfs.functions;

import java.time.Duration;

import io.assetalerts.schemas.state.Reading;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Idempotent input (SPEC 4.2): a telemetry eventId already seen for the same asset within the TTL is
 * dropped and counted, so a re-sent reading is never counted twice by any rule. Keyed by assetId.
 */
public class DropDuplicateReadings extends KeyedProcessFunction<String, Reading, Reading> {

    public static final String METRIC_DUPLICATES = "duplicatesDropped";

    private final Duration ttl;
    private transient MapState<String, Boolean> seen;
    private transient Counter duplicates;

    public DropDuplicateReadings(Duration ttl) {
        this.ttl = ttl;
    }

    static MapStateDescriptor<String, Boolean> seenDescriptor(Duration ttl) {
        MapStateDescriptor<String, Boolean> descriptor = new MapStateDescriptor<>("seen-event-ids", Types.STRING, Types.BOOLEAN);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        return descriptor;
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getMapState(seenDescriptor(ttl));
        duplicates = getRuntimeContext().getMetricGroup().counter(METRIC_DUPLICATES);
    }

    @Override
    public void processElement(Reading reading, Context ctx, Collector<Reading> out) throws Exception {
        String eventId = reading.getEvent().getEventId();
        if (seen.contains(eventId)) {
            duplicates.inc();
            return;
        }
        seen.put(eventId, Boolean.TRUE);
        out.collect(reading);
    }
}
