package io.assetalerts.jobs.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.DoublePredicate;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What an operator does with a Flink cluster through its REST API, and nothing else: upload a jar, run it (from a
 * savepoint, at a parallelism), wait for it to run, read its metrics, stop it with a savepoint. Every wait has a
 * deadline and fails with what the cluster last said.
 */
public final class FlinkRestClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(250);

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRestClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** {@code POST /jars/upload} (multipart, field {@code jarfile}); returns the jar id for {@code /jars/:id/run}. */
    public String uploadJar(Path jar) {
        String boundary = "----asset-alerts-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                    + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.write(Files.readAllBytes(jar));
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode response = send(HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        String filename = response.path("filename").asText();
        if (!"success".equals(response.path("status").asText()) || filename.isEmpty()) {
            throw new AssertionError("jar upload failed: " + response);
        }
        return Path.of(filename).getFileName().toString();
    }

    /**
     * {@code POST /jars/:id/run}; returns the job id. {@code savepointPath} may be null (fresh state);
     * {@code parallelism} is the job's default parallelism (the run request's field, like {@code flink run -p}).
     */
    public String runJar(String jarId, List<String> programArgs, int parallelism, String savepointPath) {
        ObjectNode request = JSON.createObjectNode();
        programArgs.forEach(request.putArray("programArgsList")::add);
        request.put("parallelism", parallelism);
        if (savepointPath != null) {
            request.put("savepointPath", savepointPath);
            request.put("allowNonRestoredState", false);
        }
        JsonNode response = post("/jars/" + jarId + "/run", request);
        String jobId = response.path("jobid").asText();
        if (jobId.isEmpty()) {
            throw new AssertionError("running " + jarId + " returned no job id: " + response);
        }
        return jobId;
    }

    /** Waits until the job and every one of its vertices is RUNNING; fails at once if the job fails. */
    public void awaitRunning(String jobId, Duration timeout) {
        awaitRunning(jobId, timeout, details -> true);
    }

    /**
     * Waits until the job and every one of its vertices is RUNNING and {@code and} holds of its details
     * ({@code GET /jobs/:id}), which it returns; fails at once if the job ends.
     */
    public JsonNode awaitRunning(String jobId, Duration timeout, Predicate<JsonNode> and) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job = null;
        while (System.nanoTime() - deadline < 0) {
            job = get("/jobs/" + jobId);
            String state = job.path("state").asText();
            if (state.equals("FAILED") || state.equals("CANCELED") || state.equals("FINISHED")) {
                throw new AssertionError("job " + jobId + " is " + state + " instead of RUNNING; exceptions: "
                        + get("/jobs/" + jobId + "/exceptions").path("exceptionHistory"));
            }
            if (allRunning(job) && and.test(job)) {
                return job;
            }
            sleep();
        }
        throw new AssertionError("job " + jobId + " was not RUNNING in all vertices after " + timeout + ": " + job);
    }

    /** Whether job details ({@code GET /jobs/:id}) say the job and every one of its vertices is RUNNING. */
    public static boolean allRunning(JsonNode job) {
        boolean running = job.path("state").asText().equals("RUNNING") && job.path("vertices").size() > 0;
        for (JsonNode vertex : job.path("vertices")) {
            running &= vertex.path("status").asText().equals("RUNNING");
        }
        return running;
    }

    public String jobState(String jobId) {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** The parallelism of every vertex of the job, by vertex name. */
    public List<String> vertexParallelisms(String jobId) {
        List<String> result = new ArrayList<>();
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            result.add(vertex.path("name").asText() + " = " + vertex.path("parallelism").asInt());
        }
        return result;
    }

    /**
     * The value of an operator metric summed over all subtasks (or their maximum, for gauges every subtask holds
     * whole): {@code metric} is the name below the operator, e.g. {@code duplicatesDropped} or
     * {@code rule.TEMPERATURE_THRESHOLD.severity.HIGH.alertsEmitted}; the vertex is found by the operator's name.
     */
    public double metric(String jobId, String operatorName, String metric, String aggregation) {
        String vertex = vertexId(jobId, operatorName);
        if (vertex == null) {
            return Double.NaN;   // the job's graph is not there yet (submitted, still initializing)
        }
        String base = "/jobs/" + jobId + "/vertices/" + vertex + "/subtasks/metrics";
        List<String> ids = new ArrayList<>();
        for (JsonNode m : get(base)) {
            String id = m.path("id").asText();
            if (id.endsWith("." + metric)) {
                ids.add(id);
            }
        }
        if (ids.size() > 1) {
            throw new AssertionError("metric '" + metric + "' of '" + operatorName + "' is ambiguous: " + ids);
        }
        if (ids.isEmpty()) {
            return Double.NaN;   // not registered yet (operators register metrics when they open)
        }
        JsonNode values = get(base + "?get=" + ids.get(0) + "&agg=" + aggregation);
        return values.size() == 1 ? values.get(0).path(aggregation).asDouble(Double.NaN) : Double.NaN;
    }

    /**
     * Polls {@link #metric} until {@code done} holds. The REST API serves metrics the JobManager fetched from the
     * TaskManagers at most {@code metrics.fetcher.update-interval} (10 s) ago, so a value lags the job by that much.
     */
    public double awaitMetric(String jobId, String operatorName, String metric, String aggregation,
            DoublePredicate done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        double value = Double.NaN;
        while (System.nanoTime() - deadline < 0) {
            value = metric(jobId, operatorName, metric, aggregation);
            if (done.test(value)) {
                return value;
            }
            sleep();
        }
        throw new AssertionError("metric " + operatorName + "." + metric + " (" + aggregation + ") of job " + jobId
                + " did not reach the expected value within " + timeout + "; last value " + value);
    }

    /**
     * Waits until every subtask of {@code operatorName} reports the gauge {@code metric} at {@code each} (a gauge no
     * subtask can exceed, such as {@code assetsKnown} with {@code each} the number of registrations): the sum over
     * the subtasks reaches parallelism x {@code each}. A minimum would not do, because the REST API leaves out
     * subtasks that have not reported yet.
     */
    public void awaitGauge(String jobId, String operatorName, String metric, double each, Duration timeout) {
        awaitMetric(jobId, operatorName, metric, "sum", sum -> {
            JsonNode vertex = vertex(jobId, operatorName);
            return vertex != null && sum >= vertex.path("parallelism").asInt() * each;
        }, timeout);
    }

    /** The id of the vertex whose name contains {@code operatorName}; null while the job has no vertices yet. */
    public String vertexId(String jobId, String operatorName) {
        JsonNode vertex = vertex(jobId, operatorName);
        return vertex == null ? null : vertex.path("id").asText();
    }

    private JsonNode vertex(String jobId, String operatorName) {
        List<String> names = new ArrayList<>();
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            String name = vertex.path("name").asText();
            names.add(name);
            if (name.contains(operatorName)) {
                return vertex;
            }
        }
        if (names.isEmpty()) {
            return null;
        }
        throw new AssertionError("job " + jobId + " has no vertex with operator '" + operatorName + "': " + names);
    }

    /**
     * {@code POST /jobs/:id/stop} (stop with a savepoint, no drain), polls {@code /jobs/:id/savepoints/:trigger}
     * until the savepoint completed and waits for the job to finish; returns the savepoint's location.
     */
    public String stopWithSavepoint(String jobId, Path targetDirectory, Duration timeout) {
        ObjectNode request = JSON.createObjectNode();
        request.put("targetDirectory", targetDirectory.toUri().toString());
        request.put("drain", false);
        String trigger = post("/jobs/" + jobId + "/stop", request).path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode status = null;
        while (System.nanoTime() - deadline < 0) {
            status = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if (status.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode operation = status.path("operation");
                if (operation.has("failure-cause")) {
                    throw new AssertionError("stop-with-savepoint of " + jobId + " failed: " + operation);
                }
                awaitState(jobId, "FINISHED", deadline);
                return operation.path("location").asText();
            }
            sleep();
        }
        throw new AssertionError("stop-with-savepoint of " + jobId + " did not complete within " + timeout + ": "
                + status);
    }

    /** Polls the job's state until it is {@code expected}, e.g. FINISHED after a stop with the CLI. */
    public void awaitState(String jobId, String expected, Duration timeout) {
        awaitState(jobId, expected, System.nanoTime() + timeout.toNanos());
    }

    private void awaitState(String jobId, String expected, long deadline) {
        String state = jobState(jobId);
        while (!state.equals(expected)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("job " + jobId + " is " + state + ", not " + expected);
            }
            sleep();
            state = jobState(jobId);
        }
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public JsonNode post(String path, JsonNode body) {
        try {
            return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpRequest built = request.timeout(REQUEST_TIMEOUT).build();
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new AssertionError(built.method() + " " + built.uri() + " answered " + response.statusCode()
                        + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(built.method() + " " + built.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
