package io.assetalerts.tools.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Records read so far by a job's Kafka source of one topic: the source operator's {@code numRecordsOut} summed over
 * the subtasks of the vertex whose name starts with {@code Source:} and names the topic. The metric id is looked up
 * once the vertex reports it (operator metric ids carry the operator's name, e.g.
 * {@code Source__Kafka:_telemetry_events.numRecordsOut}).
 */
final class SourceCounter {

    private final FlinkRest rest;
    private final String jobId;
    private final FlinkRest.Vertex vertex;
    private final String metric;

    private SourceCounter(FlinkRest rest, String jobId, FlinkRest.Vertex vertex, String metric) {
        this.rest = rest;
        this.jobId = jobId;
        this.vertex = vertex;
        this.metric = metric;
    }

    /** Waits until the job's source vertex for {@code topic} reports its operator metrics. */
    static SourceCounter await(FlinkRest rest, String jobId, String topic, Deadline deadline) throws Exception {
        while (true) {
            JsonNode job = rest.job(jobId);
            String state = job.path("state").asText();
            if (state.equals("FAILED") || state.equals("CANCELED") || state.equals("FINISHED")) {
                throw new Bench.BenchFailure("job " + jobId + " is " + state + " before its source read anything");
            }
            FlinkRest.Vertex source = rest.vertices(job).stream()
                    .filter(v -> v.name().startsWith("Source:") && v.name().contains(topic))
                    .findFirst()
                    .orElseThrow(() -> new Bench.BenchFailure("job " + jobId + " has no source vertex for " + topic));
            if ("RUNNING".equals(state)) {
                String metric = sourceMetric(rest.metricNames(jobId, source.id()));
                if (metric != null) {
                    return new SourceCounter(rest, jobId, source, metric);
                }
            }
            deadline.check(() -> "the source of " + topic + " in job " + jobId + " reports no numRecordsOut");
            deadline.pause(Duration.ofMillis(200));
        }
    }

    /** The source operator's numRecordsOut among a vertex's metric ids, or null when not reported yet. */
    static String sourceMetric(List<String> names) {
        return names.stream()
                .filter(n -> n.startsWith("Source__") && n.endsWith(".numRecordsOut"))
                .findFirst()
                .orElse(null);
    }

    FlinkRest.Vertex vertex() {
        return vertex;
    }

    String metric() {
        return metric;
    }

    /** The sum over subtasks; 0 while no subtask has reported. */
    long count() throws IOException, InterruptedException {
        var values = rest.aggregated(jobId, vertex.id(), List.of(metric), "sum").get(metric);
        return values == null || !values.containsKey("sum") ? 0 : Math.round(values.get("sum"));
    }
}
