package com.piam.cdc.verify;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CoalescedRunTest {

    /** A result: which run made it and when it began. */
    record Verdict(int run, long startedMs) {
    }

    private final AtomicLong clock = new AtomicLong(10_000);
    private final AtomicInteger runs = new AtomicInteger();
    private final AtomicReference<Verdict> newest = new AtomicReference<>();

    private Verdict made(int run) {
        Verdict v = new Verdict(run, clock.get());
        newest.set(v);
        return v;
    }

    @Test
    void tenConcurrentCallersShareOneRun() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CoalescedRun<Verdict> coalesced = new CoalescedRun<>(() -> {
            started.countDown();
            await(release);
            return made(runs.incrementAndGet());
        }, newest::get, Verdict::startedMs, 1_000, clock::get);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<Verdict>> answers = new ArrayList<>();
            answers.add(pool.submit(coalesced::get));
            assertEquals(true, started.await(5, TimeUnit.SECONDS));
            for (int i = 1; i < 10; i++) {
                answers.add(pool.submit(coalesced::get));
            }
            Thread.sleep(200); // the nine others are waiting on the first run
            release.countDown();
            Verdict first = answers.get(0).get(5, TimeUnit.SECONDS);
            for (Future<Verdict> a : answers) {
                assertSame(first, a.get(5, TimeUnit.SECONDS));
            }
            assertEquals(1, runs.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void atMostOneRunPerIntervalThenANewOne() {
        CoalescedRun<Verdict> coalesced = new CoalescedRun<>(() -> made(runs.incrementAndGet()), newest::get,
                Verdict::startedMs, 1_000, clock::get);
        Verdict a = coalesced.get();
        clock.addAndGet(999);
        assertSame(a, coalesced.get(), "999 ms later: the newest verdict");
        clock.addAndGet(1);
        Verdict b = coalesced.get();
        assertEquals(2, b.run(), "a second later: verified again");
        assertEquals(2, runs.get());
    }

    @Test
    void aVerdictMadeElsewhereServesToo() {
        CoalescedRun<Verdict> coalesced = new CoalescedRun<>(() -> made(runs.incrementAndGet()), newest::get,
                Verdict::startedMs, 1_000, clock::get);
        Verdict timer = made(99); // the verify-pipeline timer's check
        clock.addAndGet(500);
        assertSame(timer, coalesced.get());
        assertEquals(0, runs.get());
    }

    @Test
    void aFailedRunReachesItsCallersAndTheNextCallRunsAgain() {
        AtomicInteger calls = new AtomicInteger();
        CoalescedRun<Verdict> coalesced = new CoalescedRun<>(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("probe broke");
            }
            return made(calls.get());
        }, newest::get, Verdict::startedMs, 1_000, clock::get);
        assertEquals("probe broke", assertThrows(IllegalStateException.class, coalesced::get).getMessage());
        assertEquals(2, coalesced.get().run());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
