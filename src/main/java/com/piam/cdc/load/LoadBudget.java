package com.piam.cdc.load;

import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.Change;
import com.piam.cdc.domain.ConnectorHealth;
import org.apache.camel.Exchange;

import java.util.function.BooleanSupplier;

/**
 * MAX_BUFFERED_MB: the memory rows may take between their producers (consume routes, direct-mode
 * generators) and ClickHouse, all tables together. MAX_BUFFERED_ROWS bounds the count; this bounds
 * the bytes, so 5,000 rows of a 64 KB payload cannot exhaust the heap. A producer waits in
 * {@link #admit} for room; the loader gives the room back once a batch is loaded or set aside
 * ({@link #release}); a batch is complete once it holds a quarter of the budget ({@link #batchFull}),
 * so a few batches always fit. Sizes are estimates of what a row holds on the heap.
 */
public final class LoadBudget {

    private final long capacity;
    private final BooleanSupplier stopping;
    private long used;

    public LoadBudget(long capacityBytes, BooleanSupplier stopping) {
        this.capacity = capacityBytes;
        this.stopping = stopping;
    }

    /** Waits until the exchange's row fits; a row larger than the whole budget waits for an empty one. */
    public void admit(Exchange exchange) throws InterruptedException {
        acquire(size(exchange.getMessage().getBody()));
    }

    synchronized void acquire(long bytes) throws InterruptedException {
        long n = Math.min(bytes, capacity);
        while (used + n > capacity) {
            if (stopping.getAsBoolean()) {
                // not admitted: on the CDC path the record stays unsettled and is read again at the next start
                throw new IllegalStateException("stopping: a row waiting for buffer room was not admitted");
            }
            wait(1000);
        }
        used += n;
    }

    /**
     * Takes room for {@code bytes} if it is free now or within {@code waitMs}; false (nothing taken) otherwise,
     * and at once while stopping. The Kafka consumer's thread asks this way: it must not block for long.
     */
    public synchronized boolean tryAcquire(long bytes, long waitMs) throws InterruptedException {
        long n = Math.min(bytes, capacity);
        long deadline = System.nanoTime() + waitMs * 1_000_000L;
        while (used + n > capacity) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0 || stopping.getAsBoolean()) {
                return false;
            }
            wait(left);
        }
        used += n;
        return true;
    }

    /** Whether at least {@code fraction} of the budget is free. */
    public synchronized boolean freeAtLeast(double fraction) {
        return capacity - used >= capacity * fraction;
    }

    /** Gives back the room of rows that are loaded or set aside (or abandoned at stop). */
    public synchronized void release(long bytes) {
        used = Math.max(0, used - Math.min(bytes, capacity));
        notifyAll();
    }

    /**
     * Binds the budget under the names the YAML routes use: {@code loadBudget} (the generators' admit) and
     * {@code loadBatchFull}, the load routes' completion predicate, called for every row: a plain Predicate
     * (YAML {@code ref}), not the bean language.
     */
    public void bindTo(org.apache.camel.spi.Registry registry) {
        registry.bind("loadBudget", this);
        registry.bind("loadBatchFull", (org.apache.camel.Predicate) this::batchFull);
    }

    /** Completion predicate of the load routes' aggregator: the batch holds a quarter of the budget. */
    public boolean batchFull(Exchange exchange) {
        LoadBatch batch = exchange.getMessage().getBody(LoadBatch.class);
        return batch != null && batch.bytes() >= capacity / 4;
    }

    public synchronized long usedBytes() {
        return used;
    }

    public long capacityBytes() {
        return capacity;
    }

    /** Estimated heap bytes of a row (a Change, or a plain row in direct mode), the same for admit and release. */
    public static long size(Object body) {
        if (body instanceof Change<?> c) {
            return size(c.row()) + (c.delivery() == null ? 0 : c.delivery().bytes());
        }
        if (body instanceof AccessEvent e) {
            return 320 + 2L * (len(e.eventId()) + len(e.tenantId()) + len(e.personId()) + len(e.badgeId()) + len(e.siteId())
                    + len(e.locationId()) + len(e.eventType()) + len(e.denyReason()) + len(e.denyCode()) + len(e.pacsEventId())
                    + len(e.rawPayload()) + len(e.suspiciousReason()));
        }
        if (body instanceof ConnectorHealth h) {
            return 320 + 2L * (len(h.tenantId()) + len(h.connectorId()) + len(h.connectorName()) + len(h.pacsVersion())
                    + len(h.errorMessage()) + len(h.errorCode()) + len(h.endpointUrl()));
        }
        return 512;
    }

    private static int len(String s) {
        return s == null ? 0 : s.length();
    }
}
