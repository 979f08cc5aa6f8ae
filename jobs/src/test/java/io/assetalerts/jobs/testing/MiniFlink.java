package io.assetalerts.jobs.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The MiniCluster every pipeline IT runs on, set up once here: Flink's {@link MiniClusterExtension} with one
 * TaskManager of {@code slots} slots (4 unless told; {@code @InjectMiniCluster} works as with Flink's extension),
 * and the jobs a test started through {@link #track} cancelled after it unless they already ended, so that a
 * failed assertion never leaves a job running into the next test.
 */
public final class MiniFlink implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {

    private final MiniClusterExtension cluster;
    private final List<JobClient> jobs = new ArrayList<>();

    public MiniFlink() {
        this(4);
    }

    public MiniFlink(int slots) {
        Configuration conf = new Configuration();
        // the REST API serves metrics this old at most (default 10 s): tests that wait for a metric wait less
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        cluster = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(conf).setNumberTaskManagers(1).setNumberSlotsPerTaskManager(slots).build());
    }

    /** The cluster's REST API, as the Flink UI reads it (job graph, metrics). */
    public FlinkRestClient rest() {
        Configuration client = cluster.getClientConfiguration();
        return new FlinkRestClient("http://" + client.get(RestOptions.ADDRESS) + ":" + client.get(RestOptions.PORT));
    }

    /**
     * {@link FlinkRestClient#awaitGauge} for {@code job}: every subtask of {@code operator} reports {@code metric} at
     * {@code each}. A test that must write readings only once the alert job knows their assets waits for the
     * evaluator's {@code assetsKnown}: a reading the watermark passes before its registration is held until its
     * asset's next event-time tick (SPEC 4.2), and a test's last reading has none after it.
     */
    public void awaitGauge(JobClient job, String operator, String metric, double each, Duration timeout) {
        rest().awaitGauge(job.getJobID().toString(), operator, metric, each, timeout);
    }

    /** Cancels {@code job} after the test unless it has ended by then; returns it. */
    public JobClient track(JobClient job) {
        jobs.add(job);
        return job;
    }

    /** Cancels every tracked job that has not ended (also callable mid-test, before a restore). */
    public void cancelJobs() throws Exception {
        for (JobClient job : jobs) {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
        jobs.clear();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cluster.beforeAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        cluster.beforeEach(context);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            cancelJobs();
        } finally {
            cluster.afterEach(context);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        cluster.afterAll(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context)
            throws ParameterResolutionException {
        return cluster.supportsParameter(parameter, context);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
            throws ParameterResolutionException {
        return cluster.resolveParameter(parameter, context);
    }
}
