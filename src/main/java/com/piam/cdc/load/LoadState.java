package com.piam.cdc.load;

import com.piam.cdc.Retry;

import java.util.concurrent.atomic.AtomicLong;

/** What the loader last did for one table: for the verifier (last good batch, failing inserts). */
public final class LoadState {

    private final AtomicLong lastSuccessMs = new AtomicLong();
    private final AtomicLong failingSinceMs = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private volatile String lastError = "";

    void succeeded() {
        lastSuccessMs.set(System.currentTimeMillis());
        failingSinceMs.set(0);
    }

    void failed(Exception e) {
        failingSinceMs.compareAndSet(0, System.currentTimeMillis());
        failedAttempts.incrementAndGet();
        lastError = Retry.rootMessage(e);
    }

    /** Epoch ms of the last successful insert, 0 if none yet. */
    public long lastSuccessMs() {
        return lastSuccessMs.get();
    }

    /** Epoch ms since when inserts keep failing (being retried), 0 when the last one succeeded. */
    public long failingSinceMs() {
        return failingSinceMs.get();
    }

    /** Failed insert attempts since start (each is retried; no rows are dropped). */
    public long failedAttempts() {
        return failedAttempts.get();
    }

    public String lastError() {
        return lastError;
    }
}
