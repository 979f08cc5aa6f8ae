package io.assetalerts.udfs.config;

/**
 * A flag (or a key of the {@code --config} file) that is missing, unknown or has a bad value. The message is
 * one line that starts with the flag's name, so the job stops at submission with a readable reason.
 */
public final class InvalidFlagException extends IllegalArgumentException {

    public InvalidFlagException(String flag, String problem) {
        super("--" + flag + ": " + problem);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // the message says everything; a stack trace would only bury it
    }
}
