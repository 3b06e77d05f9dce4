package com.piam.cdc;

import org.slf4j.Logger;

import java.util.function.BooleanSupplier;

/**
 * Retries an action against an external system with exponential backoff until it succeeds or the
 * runtime is stopping. Used where giving up would lose rows (database writes of whole batches).
 */
public final class Retry {

    /** A unit of work that may fail with any exception. */
    @FunctionalInterface
    public interface Action<T> {
        T run() throws Exception;
    }

    /** Thrown when the runtime stops while retrying: the caller's rows were not written. */
    public static class Abandoned extends RuntimeException {
        public Abandoned(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Thrown for a failure the caller said is not worth retrying; the cause is the action's exception. */
    public static class NotRetried extends RuntimeException {
        public NotRetried(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final Logger log;
    private final long firstDelayMs;
    private final long maxDelayMs;
    private final BooleanSupplier stopping;

    public Retry(Logger log, long firstDelayMs, long maxDelayMs, BooleanSupplier stopping) {
        this.log = log;
        this.firstDelayMs = firstDelayMs;
        this.maxDelayMs = maxDelayMs;
        this.stopping = stopping;
    }

    /**
     * Runs {@code action} until it succeeds. {@code what} names the work in log lines
     * ("insert of 200 rows into piam.fact_access_events"); {@code holding} describes what waits.
     */
    public <T> T run(String what, java.util.function.Supplier<String> holding, Action<T> action) {
        return run(what, holding, e -> true, action);
    }

    /** As {@link #run(String, java.util.function.Supplier, Action)}; a failure {@code retriable} refuses throws {@link NotRetried}. */
    public <T> T run(String what, java.util.function.Supplier<String> holding,
            java.util.function.Predicate<Exception> retriable, Action<T> action) {
        long delay = firstDelayMs;
        long firstFailure = 0;
        for (int attempt = 1; ; attempt++) {
            try {
                T result = action.run();
                if (attempt > 1) {
                    log.info("{} succeeded after {} attempts ({} s of retrying)", what, attempt,
                            (System.currentTimeMillis() - firstFailure) / 1000);
                }
                return result;
            } catch (Exception e) {
                if (!retriable.test(e)) {
                    throw new NotRetried(e);
                }
                if (firstFailure == 0) {
                    firstFailure = System.currentTimeMillis();
                }
                if (stopping.getAsBoolean()) {
                    throw new Abandoned(what + " abandoned after " + attempt + " attempts because the runtime is stopping: "
                            + rootMessage(e), e);
                }
                log.warn("{} failed (attempt {}): {}; retrying in {} ms; {}", what, attempt, rootMessage(e), delay,
                        holding.get());
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new Abandoned(what + " abandoned: interrupted while waiting to retry", e);
                }
                delay = Math.min(maxDelayMs, delay * 2);
            }
        }
    }

    /** The innermost cause's message: "Connection refused", not three layers of wrappers. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.strip().lines().findFirst().orElse(""));
    }
}
