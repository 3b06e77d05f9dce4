package com.piam.cdc.it;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * After each test class (registered for all through junit-platform.properties): kills the runtimes it started
 * and left running, which happens when an assertion fails before the test's own stop. One left running joins
 * the consumer group of the next test's runtime, takes some of its partitions and turns one failure into many.
 */
public final class LeftoverRuntimes implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        List<Long> killed = RuntimeProcess.killLeftovers();
        if (!killed.isEmpty()) {
            System.out.println("[it] " + context.getDisplayName() + " left runtime(s) " + killed + " running: killed");
        }
    }
}
