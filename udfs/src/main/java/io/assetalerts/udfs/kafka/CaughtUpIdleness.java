package io.assetalerts.udfs.kafka;

import java.time.Duration;

import io.assetalerts.schemas.state.Inbound;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idleness that never makes data late (issue 14). Flink's {@code withIdleness} marks a split idle after a stretch of
 * wall-clock time without records, whatever the reason. When the reason is that the broker is away (the split has
 * data it cannot fetch), event time then runs on with the other splits, and the split's backlog is late when it
 * arrives: a 90 s broker outage turned 1,944 valid readings into LATE_EVENT.
 *
 * <p>Here a split goes idle only if it has been quiet for the idleness timeout <em>and</em> its source subtask has
 * read everything committed to each of its splits ({@link ReaderProgress}). A split behind its partition's end, or one
 * whose broker does not answer, keeps holding event time; an idle split whose subtask can no longer confirm that
 * (an outage began) goes active again at its last watermark, which holds event time until the split moves on.
 * Outages then delay alerts, and never change them.
 *
 * <p>The input activity clock stops while the source is back-pressured or paused, so neither counts as quiet.
 */
final class CaughtUpIdleness implements WatermarkGenerator<Inbound> {

    private static final Logger LOG = LoggerFactory.getLogger(CaughtUpIdleness.class);

    private final long outOfOrdernessMillis;
    private final long idleNanos;
    private final RelativeClock clock;
    private final WatermarkGeneratorSupplier.Context context;
    private ReaderProgress progress;
    private long lastActivity;
    /** As in Flink's bounded out-of-orderness generator: the watermark starts at Long.MIN_VALUE. */
    private long maxTimestamp;
    private boolean idle;
    /** Registered with {@link ReaderProgress#mayGoIdle} and waiting for its turn. */
    private boolean waitingTurn;

    /** Between two splits of a subtask going idle: more than two periodic watermark rounds (200 ms by default). */
    private static final Duration IDLE_GAP = Duration.ofMillis(500);

    CaughtUpIdleness(Duration outOfOrderness, Duration idleness, WatermarkGeneratorSupplier.Context ctx) {
        this.outOfOrdernessMillis = outOfOrderness.toMillis();
        this.maxTimestamp = Long.MIN_VALUE + outOfOrdernessMillis + 1;
        this.idleNanos = idleness.toNanos();
        this.clock = ctx.getInputActivityClock();
        this.context = ctx;
        this.lastActivity = clock.relativeTimeNanos();
    }

    @Override
    public void onEvent(Inbound event, long eventTimestamp, WatermarkOutput output) {
        lastActivity = clock.relativeTimeNanos();
        maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
        if (idle || waitingTurn) {
            active();
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (clock.relativeTimeNanos() - lastActivity >= idleNanos && caughtUp() && (idle || takeTurn())) {
            idle = true;
            output.markIdle(); // and no watermark: emitting one would make the split active again
            return;
        }
        if (idle || waitingTurn) {
            active();
        }
        output.emitWatermark(new Watermark(watermark()));
    }

    /** The highest timestamp seen minus the out-of-orderness, minus 1 ms (Flink's bounded out-of-orderness). */
    private long watermark() {
        return maxTimestamp - outOfOrdernessMillis - 1;
    }

    /** Splits of one subtask go idle one at a time, lowest watermark first ({@link ReaderProgress#mayGoIdle}). */
    private boolean takeTurn() {
        if (progress == null) {
            return true;
        }
        boolean granted = progress.mayGoIdle(this, watermark(), IDLE_GAP);
        waitingTurn = !granted;
        return granted;
    }

    private void active() {
        idle = false;
        if (waitingTurn) {
            progress.notReadyToIdle(this);
            waitingTurn = false;
        }
    }

    /** Whether this split is idle now (for tests). */
    boolean idle() {
        return idle;
    }

    private boolean caughtUp() {
        if (progress == null) {
            progress = ReaderProgress.of(context.getMetricGroup());
            if (progress == null) {
                // not a tracked Kafka source (a test's generator source): plain idleness
                LOG.warn("No Kafka progress for this source; quiet splits go idle without checking for a backlog");
                return true;
            }
        }
        return progress.caughtUp();
    }
}
