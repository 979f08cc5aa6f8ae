package io.assetalerts.jobs.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A source over records held in memory, one list per split, standing in for a Kafka topic with one split per
 * partition: the pipeline test's seam ({@code AlertJob.buildPipeline}) without a broker. Like a Kafka source it never
 * ends: once every record is out it stays open with nothing to read, so quiet splits go idle by the job's own
 * watermark strategy and event time stops where the data leaves it; a bounded source would end with the maximum
 * watermark and fire every event-time timer, which the job never sees from Kafka.
 *
 * <p>Each split is read in order and watermarked on its own ({@link ReaderOutput#createOutputForSplit}); a reader
 * with several splits takes a few records of each in turn, as a Kafka consumer's fetches do. Split {@code i} goes to
 * subtask {@code i % parallelism}. The records stay in this JVM (a MiniCluster's), found by the source's id; splits
 * carry only their position, so checkpoints are small.
 */
public final class InMemorySource<T>
        implements Source<T, InMemorySource.Split, List<InMemorySource.Split>>, ResultTypeQueryable<T> {

    private static final Map<String, List<List<?>>> RECORDS = new ConcurrentHashMap<>();
    private static final int BATCH = 16;

    private final String id;
    private final int splits;
    private final TypeInformation<T> type;

    private InMemorySource(String id, int splits, TypeInformation<T> type) {
        this.id = id;
        this.splits = splits;
        this.type = type;
    }

    /** A source of these splits of {@code type}, each read in its order. */
    public static <T> InMemorySource<T> of(List<List<T>> splits, TypeInformation<T> type) {
        String id = UUID.randomUUID().toString();
        List<List<?>> copies = new ArrayList<>();
        splits.forEach(split -> copies.add(List.copyOf(split)));
        RECORDS.put(id, copies);
        return new InMemorySource<>(id, splits.size(), type);
    }

    /** Forgets the records of this source (after its job has ended). */
    public void clear() {
        RECORDS.remove(id);
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return type;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SplitEnumerator<Split, List<Split>> createEnumerator(SplitEnumeratorContext<Split> context) {
        List<Split> all = new ArrayList<>();
        for (int i = 0; i < splits; i++) {
            all.add(new Split(id, i, 0));
        }
        return new Enumerator(context, all);
    }

    @Override
    public SplitEnumerator<Split, List<Split>> restoreEnumerator(SplitEnumeratorContext<Split> context,
            List<Split> unassigned) {
        return new Enumerator(context, unassigned);
    }

    @Override
    public SimpleVersionedSerializer<Split> getSplitSerializer() {
        return new SplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<List<Split>> getEnumeratorCheckpointSerializer() {
        return new SplitListSerializer();
    }

    @Override
    public SourceReader<T, Split> createReader(SourceReaderContext context) {
        return new Reader<>();
    }

    /** Split {@code index} of source {@code sourceId}, read up to {@code position}. */
    public record Split(String sourceId, int index, int position) implements SourceSplit {
        @Override
        public String splitId() {
            return Integer.toString(index);
        }
    }

    private static final class Enumerator implements SplitEnumerator<Split, List<Split>> {
        private final SplitEnumeratorContext<Split> context;
        private final List<Split> unassigned;

        Enumerator(SplitEnumeratorContext<Split> context, List<Split> unassigned) {
            this.context = context;
            this.unassigned = new ArrayList<>(unassigned);
        }

        @Override
        public void start() {
        }

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {
        }

        @Override
        public void addSplitsBack(List<Split> splits, int subtaskId) {
            unassigned.addAll(splits);
            if (context.registeredReaders().containsKey(subtaskId)) {
                addReader(subtaskId);
            }
        }

        @Override
        public void addReader(int subtaskId) {
            List<Split> mine = new ArrayList<>();
            unassigned.removeIf(split -> split.index() % context.currentParallelism() == subtaskId && mine.add(split));
            if (!mine.isEmpty()) {
                context.assignSplits(new org.apache.flink.api.connector.source.SplitsAssignment<>(
                        Map.of(subtaskId, mine)));
            }
        }

        @Override
        public List<Split> snapshotState(long checkpointId) {
            return List.copyOf(unassigned);
        }

        @Override
        public void close() {
        }
    }

    private static final class Reader<T> implements SourceReader<T, Split> {
        private final List<Split> splits = new ArrayList<>();
        /** Completed when splits arrive (or the reader closes); until then the reader is open with nothing to read. */
        private CompletableFuture<Void> waiting = new CompletableFuture<>();
        private int next;

        @Override
        public void start() {
        }

        @Override
        @SuppressWarnings("unchecked")
        public InputStatus pollNext(ReaderOutput<T> output) {
            for (int tried = 0; tried < splits.size(); tried++) {
                int i = next;
                next = (next + 1) % splits.size();
                Split split = splits.get(i);
                List<?> records = RECORDS.get(split.sourceId()).get(split.index());
                if (split.position() < records.size()) {
                    SourceOutput<T> out = output.createOutputForSplit(split.splitId());
                    int end = Math.min(records.size(), split.position() + BATCH);
                    for (int p = split.position(); p < end; p++) {
                        out.collect((T) records.get(p));
                    }
                    splits.set(i, new Split(split.sourceId(), split.index(), end));
                    return InputStatus.MORE_AVAILABLE;
                }
            }
            return InputStatus.NOTHING_AVAILABLE;
        }

        @Override
        public List<Split> snapshotState(long checkpointId) {
            return List.copyOf(splits);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            for (Split split : splits) {
                if (split.position() < RECORDS.get(split.sourceId()).get(split.index()).size()) {
                    return CompletableFuture.completedFuture(null);
                }
            }
            if (waiting.isDone()) {
                waiting = new CompletableFuture<>();
            }
            return waiting; // open, with nothing more to read: the way a caught-up Kafka source waits
        }

        @Override
        public void addSplits(List<Split> added) {
            splits.addAll(added);
            waiting.complete(null);
        }

        @Override
        public void notifyNoMoreSplits() {
        }

        @Override
        public void close() {
            waiting.complete(null);
        }
    }

    private static final class SplitSerializer implements SimpleVersionedSerializer<Split> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Split split) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                write(split, out);
            }
            return bytes.toByteArray();
        }

        @Override
        public Split deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                return read(in);
            }
        }

        static void write(Split split, DataOutputStream out) throws IOException {
            out.writeUTF(split.sourceId());
            out.writeInt(split.index());
            out.writeInt(split.position());
        }

        static Split read(DataInputStream in) throws IOException {
            return new Split(in.readUTF(), in.readInt(), in.readInt());
        }
    }

    private static final class SplitListSerializer implements SimpleVersionedSerializer<List<Split>> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(List<Split> splits) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(splits.size());
                for (Split split : splits) {
                    SplitSerializer.write(split, out);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public List<Split> deserialize(int version, byte[] serialized) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                List<Split> splits = new ArrayList<>();
                for (int n = in.readInt(); n > 0; n--) {
                    splits.add(SplitSerializer.read(in));
                }
                return splits;
            }
        }
    }
}
