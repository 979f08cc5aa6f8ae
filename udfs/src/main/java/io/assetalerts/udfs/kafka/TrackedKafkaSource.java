package io.assetalerts.udfs.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import io.assetalerts.schemas.state.Inbound;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link KafkaSource} whose readers report where each split stands ({@link ReaderProgress}), for
 * {@link CaughtUpIdleness}. Everything else is the connector's: enumerator, splits, their serializers and so the
 * source's checkpointed state, which restores from and into a plain {@code KafkaSource} under the same uid.
 */
public final class TrackedKafkaSource
        implements Source<Inbound, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<Inbound> {

    private static final long serialVersionUID = 1L;

    private final KafkaSource<Inbound> kafka;
    private final Properties checkConsumer;
    private final Duration checkEvery;

    TrackedKafkaSource(KafkaSource<Inbound> kafka, Properties checkConsumer, Duration checkEvery) {
        this.kafka = kafka;
        this.checkConsumer = checkConsumer;
        this.checkEvery = checkEvery;
    }

    @Override
    public Boundedness getBoundedness() {
        return kafka.getBoundedness();
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context) throws Exception {
        return kafka.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState state) throws Exception {
        return kafka.restoreEnumerator(context, state);
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return kafka.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return kafka.getEnumeratorCheckpointSerializer();
    }

    @Override
    public SourceReader<Inbound, KafkaPartitionSplit> createReader(SourceReaderContext context) throws Exception {
        Properties props = new Properties();
        props.putAll(checkConsumer);
        props.put("client.id", checkConsumer.getProperty("client.id") + "-" + context.getIndexOfSubtask());
        ReaderProgress progress = ReaderProgress.register(context.metricGroup(), props, checkEvery,
                props.getProperty("client.id"));
        return new TrackingReader(kafka.createReader(context), progress);
    }

    @Override
    public TypeInformation<Inbound> getProducedType() {
        return kafka.getProducedType();
    }

    /** The connector's reader, telling {@link ReaderProgress} the splits it gets and the offsets it emits. */
    private static final class TrackingReader implements SourceReader<Inbound, KafkaPartitionSplit> {

        private final SourceReader<Inbound, KafkaPartitionSplit> reader;
        private final ReaderProgress progress;
        private ReaderOutput<Inbound> lastOutput;
        private TrackingOutput tracking;

        TrackingReader(SourceReader<Inbound, KafkaPartitionSplit> reader, ReaderProgress progress) {
            this.reader = reader;
            this.progress = progress;
        }

        @Override
        public void start() {
            reader.start();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<Inbound> output) throws Exception {
            if (output != lastOutput) {
                lastOutput = output;
                tracking = new TrackingOutput(output, progress);
            }
            return reader.pollNext(tracking);
        }

        @Override
        public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
            return reader.snapshotState(checkpointId);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return reader.isAvailable();
        }

        @Override
        public void addSplits(List<KafkaPartitionSplit> splits) {
            for (KafkaPartitionSplit split : splits) {
                progress.assigned(split.getTopicPartition(), split.getStartingOffset());
            }
            reader.addSplits(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
            reader.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent event) {
            reader.handleSourceEvents(event);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            reader.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            reader.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void pauseOrResumeSplits(Collection<String> toPause, Collection<String> toResume) {
            reader.pauseOrResumeSplits(toPause, toResume);
        }

        @Override
        public void close() throws Exception {
            try {
                reader.close();
            } finally {
                progress.close();
            }
        }
    }

    /** Passes everything on; notes the offset of each record a split emits. */
    private static final class TrackingOutput implements ReaderOutput<Inbound> {

        private final ReaderOutput<Inbound> output;
        private final ReaderProgress progress;

        TrackingOutput(ReaderOutput<Inbound> output, ReaderProgress progress) {
            this.output = output;
            this.progress = progress;
        }

        @Override
        public void collect(Inbound record) {
            output.collect(record);
        }

        @Override
        public void collect(Inbound record, long timestamp) {
            output.collect(record, timestamp);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            output.emitWatermark(watermark);
        }

        @Override
        public void markIdle() {
            output.markIdle();
        }

        @Override
        public void markActive() {
            output.markActive();
        }

        @Override
        public SourceOutput<Inbound> createOutputForSplit(String splitId) {
            SourceOutput<Inbound> split = output.createOutputForSplit(splitId);
            TopicPartition partition = partitionOf(splitId);
            return new SourceOutput<>() {
                @Override
                public void collect(Inbound record) {
                    split.collect(record);
                    emitted(record);
                }

                @Override
                public void collect(Inbound record, long timestamp) {
                    split.collect(record, timestamp);
                    emitted(record);
                }

                private void emitted(Inbound record) {
                    if (record.getReading() != null) {
                        progress.emitted(partition, record.getReading().getOffset());
                    } else if (record.getDeadLetter() != null) {
                        progress.emitted(partition, record.getDeadLetter().getOffset());
                    }
                }

                @Override
                public void emitWatermark(Watermark watermark) {
                    split.emitWatermark(watermark);
                }

                @Override
                public void markIdle() {
                    split.markIdle();
                }

                @Override
                public void markActive() {
                    split.markActive();
                }
            };
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
            output.releaseOutputForSplit(splitId);
        }

        /** A Kafka split's id is {@code <topic>-<partition>}. */
        private static TopicPartition partitionOf(String splitId) {
            int dash = splitId.lastIndexOf('-');
            return new TopicPartition(splitId.substring(0, dash), Integer.parseInt(splitId.substring(dash + 1)));
        }
    }
}
