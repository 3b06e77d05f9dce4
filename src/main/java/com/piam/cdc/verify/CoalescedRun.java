package com.piam.cdc.verify;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Runs an expensive check for many callers as one: a caller that arrives while a run is under way gets that run's
 * result, and a caller that arrives less than {@code minIntervalMs} after the newest result began gets that result
 * (its age is in it). So ten concurrent {@code ?refresh=true} cost one verification, and at most one starts per
 * interval however many ask.
 */
final class CoalescedRun<T> {

    private final Supplier<T> run;
    private final Supplier<T> newest;
    private final ToLongFunction<T> startedMs;
    private final long minIntervalMs;
    private final LongSupplier clock;
    private final Object lock = new Object();
    private CompletableFuture<T> running;

    /**
     * {@code newest}: the newest result, from this or any other run (null before the first); {@code startedMs}: when a
     * result's run began (its age is measured from there).
     */
    CoalescedRun(Supplier<T> run, Supplier<T> newest, ToLongFunction<T> startedMs, long minIntervalMs, LongSupplier clock) {
        this.run = run;
        this.newest = newest;
        this.startedMs = startedMs;
        this.minIntervalMs = minIntervalMs;
        this.clock = clock;
    }

    T get() {
        CompletableFuture<T> shared;
        CompletableFuture<T> mine = null;
        synchronized (lock) {
            if (running != null) {
                shared = running;
            } else {
                T recent = newest.get();
                if (recent != null && clock.getAsLong() - startedMs.applyAsLong(recent) < minIntervalMs) {
                    return recent;
                }
                shared = mine = running = new CompletableFuture<>();
            }
        }
        if (mine == null) {
            try {
                return shared.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            T result = run.get();
            synchronized (lock) {
                running = null;
            }
            mine.complete(result);
            return result;
        } catch (RuntimeException | Error e) {
            synchronized (lock) {
                running = null;
            }
            mine.completeExceptionally(e);
            throw e;
        }
    }
}
