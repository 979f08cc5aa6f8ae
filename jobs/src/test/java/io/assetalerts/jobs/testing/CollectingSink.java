package io.assetalerts.jobs.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that keeps what it is given in this JVM (a MiniCluster's) for the pipeline test, and the watermark each of
 * its subtasks has reached: an operator emits what a watermark makes due before it passes the watermark on, so once
 * every subtask's watermark is at a given event time, every output due by then is here. That is how a test of an
 * unbounded pipeline knows it has seen everything, without waiting an arbitrary time.
 */
public final class CollectingSink<T> implements Sink<T> {

    private static final Map<String, Collected<?>> COLLECTED = new ConcurrentHashMap<>();

    private final String id;

    private CollectingSink(String id) {
        this.id = id;
    }

    public static <T> CollectingSink<T> create() {
        String id = UUID.randomUUID().toString();
        COLLECTED.put(id, new Collected<T>());
        return new CollectingSink<>(id);
    }

    /** What every subtask of this sink has been given so far, in no particular order across subtasks. */
    @SuppressWarnings("unchecked")
    public List<T> values() {
        return new ArrayList<>(((Collected<T>) COLLECTED.get(id)).values);
    }

    /**
     * Waits until {@code subtasks} subtasks of this sink have each reached a watermark of at least {@code eventTime}
     * (epoch millis), polling until {@code timeout}; fails naming the watermarks seen.
     */
    public void awaitWatermark(int subtasks, long eventTime, Duration timeout) throws InterruptedException {
        Map<Integer, Long> watermarks = COLLECTED.get(id).watermarks;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (watermarks.size() < subtasks || watermarks.values().stream().anyMatch(w -> w < eventTime)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the sink's " + subtasks + " subtasks did not all reach watermark "
                        + eventTime + " within " + timeout + "; watermarks by subtask: " + watermarks);
            }
            Thread.sleep(20);
        }
    }

    /** Forgets what this sink collected. */
    public void clear() {
        COLLECTED.remove(id);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        @SuppressWarnings("unchecked")
        Collected<T> collected = (Collected<T>) COLLECTED.get(id);
        TypeSerializer<T> serializer = context.createInputSerializer();
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                collected.values.add(serializer.copy(element)); // the element may be reused after this call
            }

            @Override
            public void writeWatermark(Watermark watermark) {
                collected.watermarks.merge(subtask, watermark.getTimestamp(), Math::max);
            }

            @Override
            public void flush(boolean endOfInput) {
            }

            @Override
            public void close() {
            }
        };
    }

    private static final class Collected<T> {
        final Queue<T> values = new ConcurrentLinkedQueue<>();
        final Map<Integer, Long> watermarks = new ConcurrentHashMap<>();
    }
}
