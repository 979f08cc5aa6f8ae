package io.assetalerts.jobs;

import io.assetalerts.udfs.config.JobSettings;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The execution settings every job of the project runs with, whatever the cluster's defaults are. */
public final class JobEnvironment {

    /**
     * Fixed forever: key groups are baked into savepoints. 720 divides evenly by 1-6, 8, 9, 10, 12, 15, 16, 18,
     * 20, 24, ... so any of those parallelisms spreads keys evenly.
     */
    public static final int MAX_PARALLELISM = 720;

    private JobEnvironment() {
    }

    public static StreamExecutionEnvironment create(JobSettings job) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(PipelineOptions.MAX_PARALLELISM, MAX_PARALLELISM);
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        // Speed (issue 10, README "Performance"): bloom filters, so that the many look-ups of absent keys (a new
        // eventId, a new timestamp) skip the SST files; records passed between chained operators by reference
        // instead of by an Avro deep copy (no operator keeps a reference to its input: state is serialized).
        // Timers stay in RocksDB (Flink's default for this backend): on the heap they measured 4 to 11 % faster,
        // but would take heap that 1,000,000 assets need (README "Performance").
        conf.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        // Partitioned index and filter blocks: a look-up loads the one small partition of an SST file's filter it
        // needs into the block cache instead of the whole filter. Dedupe looks up every new eventId against all the
        // ids of the retention (24 h of them live); once the filters outgrow the slot's block cache, each look-up
        // read a whole filter block from the file: 2,000,000 readings in memory went from 30,998 to 65,806 a second.
        conf.set(RocksDBOptions.USE_PARTITIONED_INDEX_FILTERS, true);
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, job.checkpointInterval());
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        if (job.parallelism() != null) {
            env.setParallelism(job.parallelism());
        }
        return env;
    }
}
