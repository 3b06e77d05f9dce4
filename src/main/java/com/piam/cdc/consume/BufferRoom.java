package com.piam.cdc.consume;

import com.piam.cdc.domain.Change;
import com.piam.cdc.load.LoadBudget;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.seda.SedaEndpoint;

import java.util.concurrent.BlockingQueue;

/**
 * The consume route's step into its load route's buffer: a change goes on only if the buffer has room for it
 * now or within {@link #WAIT_MS} — a place in the seda queue (MAX_BUFFERED_ROWS) and its bytes in the budget
 * (MAX_BUFFERED_MB). Otherwise it is held back, not taken: the consumer seeks back to it and pauses its
 * partitions ({@link ConsumerPause}) instead of blocking its thread, and reads it again once there is room.
 * The consume route is the queue's only producer, so room found here is still there at the hand-over.
 */
final class BufferRoom implements Processor {

    /** How long a record may wait for room before the partitions pause (a batch insert takes ~20-50 ms). */
    static final long WAIT_MS = 500;

    private final String bufferUri;
    private final LoadBudget budget;
    private final OffsetCommitListener commits;
    private volatile BlockingQueue<Exchange> queue;
    private volatile int queueSize;

    BufferRoom(String bufferUri, LoadBudget budget, OffsetCommitListener commits) {
        this.bufferUri = bufferUri;
        this.budget = budget;
        this.commits = commits;
        commits.resumeWhen(this::plenty);
    }

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        Change<?> change = exchange.getMessage().getBody(Change.class);
        BlockingQueue<Exchange> q = queue(exchange);
        // while paused, the rest of the poll is held back at once: the thread returns to polling
        long wait = commits.pausedForRoom() ? 0 : WAIT_MS;
        if (place(q, wait) && budget.tryAcquire(LoadBudget.size(change), wait)) {
            return;
        }
        ((KafkaDelivery) change.delivery()).holdBack();
        exchange.setRouteStop(true);
    }

    /** Whether the buffer has room for a poll's worth again: a quarter of the queue and of the budget free. */
    boolean plenty() {
        BlockingQueue<Exchange> q = queue;
        return (q == null || q.remainingCapacity() >= Math.max(1, queueSize / 4)) && budget.freeAtLeast(0.25);
    }

    private static boolean place(BlockingQueue<Exchange> q, long waitMs) throws InterruptedException {
        long deadline = System.nanoTime() + waitMs * 1_000_000L;
        while (q.remainingCapacity() == 0) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    private BlockingQueue<Exchange> queue(Exchange exchange) {
        BlockingQueue<Exchange> q = queue;
        if (q == null) {
            SedaEndpoint endpoint = exchange.getContext().getEndpoint(bufferUri, SedaEndpoint.class);
            q = endpoint.getQueue();
            queueSize = q.remainingCapacity() + q.size();
            queue = q;
        }
        return q;
    }
}
