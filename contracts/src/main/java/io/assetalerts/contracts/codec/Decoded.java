package io.assetalerts.contracts.codec;

import java.util.Objects;

/**
 * The outcome of decoding one record: either the value or the reason it goes to the dead-letter queue.
 * Decoders return it instead of throwing, so bad input never fails a job (SPEC 4).
 *
 * @param <T> the decoded type
 */
public final class Decoded<T> {

    private final T value;
    private final RejectReason reason;
    private final String message;

    private Decoded(T value, RejectReason reason, String message) {
        this.value = value;
        this.reason = reason;
        this.message = message;
    }

    public static <T> Decoded<T> ok(T value) {
        return new Decoded<>(Objects.requireNonNull(value, "value"), null, null);
    }

    public static <T> Decoded<T> rejected(RejectReason reason, String message) {
        return new Decoded<>(
                null, Objects.requireNonNull(reason, "reason"), Objects.requireNonNull(message, "message"));
    }

    public boolean isOk() {
        return reason == null;
    }

    /** The decoded value; throws {@link IllegalStateException} when the record was rejected. */
    public T value() {
        if (reason != null) {
            throw new IllegalStateException("Record was rejected (" + reason + "): " + message);
        }
        return value;
    }

    /** The reject reason; throws {@link IllegalStateException} when the record was decoded. */
    public RejectReason reason() {
        requireRejected();
        return reason;
    }

    /** A one-line, human-readable explanation naming the offending field; throws when decoded. */
    public String message() {
        requireRejected();
        return message;
    }

    private void requireRejected() {
        if (reason == null) {
            throw new IllegalStateException("Record was decoded, it has no reject reason");
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Decoded)) {
            return false;
        }
        Decoded<?> other = (Decoded<?>) o;
        return Objects.equals(value, other.value)
                && reason == other.reason
                && Objects.equals(message, other.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value, reason, message);
    }

    @Override
    public String toString() {
        return isOk() ? "Decoded.ok(" + value + ")" : "Decoded.rejected(" + reason + ", " + message + ")";
    }
}
