package io.assetalerts.tools.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The few calls of Flink's REST API the bench needs: job state and vertices, metrics aggregated over a vertex's
 * subtasks, checkpoint statistics, cancel. Metrics are what the JobManager's metric fetcher last collected, so
 * run.sh sets {@code metrics.fetcher.update-interval} to one second (the default is 10 s).
 */
final class FlinkRest {

    /** One vertex (a chain of operators) of a job graph. */
    record Vertex(String id, String name, int parallelism) {
    }

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    FlinkRest(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("GET " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return Json.MAPPER.readTree(response.body());
    }

    JsonNode job(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId);
    }

    String state(String jobId) throws IOException, InterruptedException {
        return job(jobId).path("state").asText();
    }

    /** RUNNING, and every task of every vertex too (a job is RUNNING while its tasks still deploy). */
    boolean allTasksRunning(JsonNode job) {
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            if (!"RUNNING".equals(vertex.path("status").asText())) {
                return false;
            }
        }
        return job.path("vertices").size() > 0;
    }

    List<Vertex> vertices(JsonNode job) {
        List<Vertex> vertices = new ArrayList<>();
        for (JsonNode v : job.path("vertices")) {
            vertices.add(new Vertex(v.path("id").asText(), v.path("name").asText(), v.path("parallelism").asInt()));
        }
        return vertices;
    }

    /** The metric ids a vertex's subtasks report (aggregated view), e.g. {@code Source__Kafka...numRecordsOut}. */
    List<String> metricNames(String jobId, String vertexId) throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        for (JsonNode metric : get("/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics")) {
            names.add(metric.path("id").asText());
        }
        return names;
    }

    /**
     * Metrics aggregated over the vertex's subtasks: metric id -> aggregate ({@code sum}, {@code avg}, {@code max},
     * {@code min}) -> value. Metrics not reported yet are absent.
     */
    Map<String, Map<String, Double>> aggregated(String jobId, String vertexId, List<String> metrics, String aggs)
            throws IOException, InterruptedException {
        String get = URLEncoder.encode(String.join(",", metrics), StandardCharsets.UTF_8);
        JsonNode list = get("/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics?get=" + get
                + "&agg=" + aggs);
        Map<String, Map<String, Double>> values = new LinkedHashMap<>();
        for (JsonNode metric : list) {
            Map<String, Double> byAgg = new LinkedHashMap<>();
            metric.fields().forEachRemaining(f -> {
                if (!f.getKey().equals("id") && f.getValue().isNumber()) {
                    byAgg.put(f.getKey(), f.getValue().asDouble());
                }
            });
            values.put(metric.path("id").asText(), byAgg);
        }
        return values;
    }

    JsonNode checkpoints(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    void cancel(String jobId) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId
                + "?mode=cancel")).timeout(Duration.ofSeconds(10))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("cancel " + jobId + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }
}
