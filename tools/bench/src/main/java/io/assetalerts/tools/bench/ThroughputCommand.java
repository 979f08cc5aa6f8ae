package io.assetalerts.tools.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code throughput}: watches a running job read a filled topic. Polls the source's records-read count (see
 * {@link SourceCounter}) every {@code --poll} and reports {@code records / (last record - first record)}, where the
 * first record is between the last poll that saw 0 and the first that saw more, and the last record between the
 * last poll below {@code --records} and the first at or above it (midpoints: ±half a poll interval at each end).
 * Halfway through it records every vertex's busy, back-pressured and idle time per second (average and maximum
 * over subtasks), which says where the time goes: the busiest vertex that is not back-pressured is the wall.
 */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = "Measure records/s of a job reading N records from a topic, via the REST API's metrics.")
final class ThroughputCommand implements Callable<Integer> {

    private static final List<String> TIME_METRICS =
            List.of("busyTimeMsPerSecond", "backPressuredTimeMsPerSecond", "idleTimeMsPerSecond");

    @Mixin
    FlinkJobOptions flink;

    @Option(names = "--topic", required = true, description = "the topic whose source vertex is measured")
    String topic;

    @Option(names = "--records", required = true, description = "records in the topic: N")
    long records;

    @Option(names = "--label", required = true, description = "what is measured, e.g. alert-job")
    String label;

    @Option(names = "--poll", defaultValue = "1s", converter = Durations.class)
    Duration poll;

    @Option(names = "--timeout", defaultValue = "60min", converter = Durations.class,
            description = "give up when N is not read by then (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--stall", defaultValue = "120s", converter = Durations.class,
            description = "give up when the count does not move for this long (default ${DEFAULT-VALUE})")
    Duration stall;

    @Option(names = "--out", required = true)
    Path out;

    @Override
    public Integer call() throws Exception {
        FlinkRest rest = new FlinkRest(flink.restUrl);
        Deadline deadline = Deadline.in(timeout);
        SourceCounter source = SourceCounter.await(rest, flink.jobId, topic, deadline);
        ObjectNode result = Json.object();
        result.put("label", label);
        result.put("job", flink.jobId);
        result.put("records", records);
        result.put("sourceVertex", source.vertex().name());
        result.put("sourceMetric", source.metric());
        result.put("pollMillis", poll.toMillis());
        ArrayNode samples = result.putArray("samples");

        long t0 = System.nanoTime();
        long lastZeroAt = t0;
        long firstSeenAt = -1;
        long lastBelowAt = -1;
        long lastCount = -1;
        long lastMoveAt = t0;
        boolean halfway = false;
        while (true) {
            long count = source.count();
            long now = System.nanoTime();
            samples.addArray().add(Json.round((now - t0) / 1e9, 2)).add(count);
            if (count == 0) {
                lastZeroAt = now;
            } else if (firstSeenAt < 0) {
                firstSeenAt = now;
                // more than a poll's worth at the first sight would make the run look shorter than it was
                result.put("countAtFirstSight", count);
            }
            if (count != lastCount) {
                lastCount = count;
                lastMoveAt = now;
            }
            if (!halfway && count >= records / 2) {
                halfway = true;
                result.set("halfway", timeBreakdown(rest, count));
            }
            if (count >= records && lastBelowAt < 0) {
                throw new Bench.BenchFailure(label + ": the job had read all " + records + " records at the first"
                        + " poll, too few to measure a rate; give more --readings");
            }
            if (count >= records) {
                double first = (lastZeroAt + firstSeenAt) / 2e9;
                double last = (lastBelowAt + now) / 2e9;
                double seconds = last - first;
                result.put("countAtEnd", count);
                result.put("seconds", Json.round(seconds, 2));
                result.put("recordsPerSecond", Math.round(records / seconds));
                result.put("finishedAt", Instant.now().toString());
                result.put("finishedAtMillis", System.currentTimeMillis());
                Json.write(out, result);
                System.out.printf("throughput %s: %,d records in %.1f s: %,d records/s%n", label, records, seconds,
                        Math.round(records / seconds));
                return 0;
            }
            lastBelowAt = now;
            String state = rest.state(flink.jobId);
            if (!state.equals("RUNNING")) {
                throw new Bench.BenchFailure(label + ": job " + flink.jobId + " is " + state + " after " + count + " of "
                        + records + " records");
            }
            if (now - lastMoveAt > stall.toNanos()) {
                Json.write(out, result);
                throw new Bench.BenchFailure(label + ": the source count stayed at " + count + " of " + records
                        + " for " + stall.toSeconds() + " s");
            }
            long readSoFar = count;
            deadline.check(() -> label + ": read " + readSoFar + " of " + records + " records");
            deadline.pause(poll.minusNanos(System.nanoTime() - now));
        }
    }

    /** busy / back-pressured / idle ms per second of every vertex, avg and max over its subtasks. */
    private ObjectNode timeBreakdown(FlinkRest rest, long count) throws Exception {
        return timeBreakdown(rest, flink.jobId, count);
    }

    static ObjectNode timeBreakdown(FlinkRest rest, String jobId, long count) throws Exception {
        ObjectNode halfway = Json.object();
        halfway.put("count", count);
        ArrayNode vertices = halfway.putArray("vertices");
        for (FlinkRest.Vertex vertex : rest.vertices(rest.job(jobId))) {
            ObjectNode v = vertices.addObject();
            v.put("name", vertex.name());
            v.put("parallelism", vertex.parallelism());
            var values = rest.aggregated(jobId, vertex.id(), TIME_METRICS, "avg,max");
            for (String metric : TIME_METRICS) {
                var byAgg = values.get(metric);
                ObjectNode m = v.putObject(metric);
                if (byAgg != null) {
                    byAgg.forEach((agg, value) -> m.put(agg, Math.round(value)));
                }
            }
        }
        return halfway;
    }
}
