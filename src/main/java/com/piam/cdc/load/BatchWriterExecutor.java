package com.piam.cdc.load;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The thread that runs a load route's completed batches. Camel's aggregator would otherwise queue
 * completed batches without limit while an insert is retrying; here at most one batch waits
 * behind the one being written, and handing over another blocks the aggregator's caller. That
 * stalls the route's bounded seda buffer, so the producers wait instead of the heap growing.
 * One thread keeps batches in order (the CDC path commits offsets batch by batch).
 */
public final class BatchWriterExecutor {

    private BatchWriterExecutor() {
    }

    public static ExecutorService create(String threadName) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1),
                r -> {
                    Thread t = new Thread(r, threadName);
                    t.setDaemon(true);
                    return t;
                },
                (task, executor) -> {
                    if (executor.isShutdown()) {
                        throw new RejectedExecutionException(threadName + " is shut down");
                    }
                    try {
                        executor.getQueue().put(task); // wait for room: this is the back-pressure
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new RejectedExecutionException("interrupted while handing a batch to " + threadName, e);
                    }
                });
    }
}
