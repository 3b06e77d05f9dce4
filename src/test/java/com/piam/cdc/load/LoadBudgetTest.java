package com.piam.cdc.load;

import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.Change;
import com.piam.cdc.domain.PacsType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadBudgetTest {

    static AccessEvent event(String payload) {
        return new AccessEvent("e-1", "acme", Instant.EPOCH, null, "B1", "S1", "L1", "IN", "GRANT", "ACCESS", null, null,
                PacsType.LENEL, "p-1", payload, false, null, 0f);
    }

    @Test
    void aProducerWaitsForRoomAndGoesOnWhenABatchIsReleased() throws Exception {
        LoadBudget budget = new LoadBudget(1000, () -> false);
        budget.acquire(600);
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            try {
                budget.acquire(600);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThatThrownBy(() -> second.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        budget.release(600);
        second.get(2, TimeUnit.SECONDS);
        assertThat(budget.usedBytes()).isEqualTo(600);
    }

    @Test
    void aRowLargerThanTheBudgetWaitsForAnEmptyOneInsteadOfForever() throws Exception {
        LoadBudget budget = new LoadBudget(1000, () -> false);
        budget.acquire(5000);
        assertThat(budget.usedBytes()).isEqualTo(1000);
        budget.release(5000);
        assertThat(budget.usedBytes()).isZero();
    }

    @Test
    void stoppingEndsTheWait() throws Exception {
        LoadBudget budget = new LoadBudget(1000, () -> true);
        budget.acquire(1000);
        assertThatThrownBy(() -> budget.acquire(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("stopping");
    }

    @Test
    void largePayloadsCountByTheirSizeAndFillABatchByBytes() {
        AccessEvent big = event("x".repeat(64 * 1024));
        assertThat(LoadBudget.size(big)).isGreaterThan(128 * 1024);
        assertThat(LoadBudget.size(Change.created(big, 1))).isEqualTo(LoadBudget.size(big));
        LoadBudget budget = new LoadBudget(4L * 1024 * 1024, () -> false);
        LoadBatch batch = new LoadBatch();
        int rows = 0;
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(new org.apache.camel.impl.DefaultCamelContext());
        exchange.getMessage().setBody(batch);
        while (!budget.batchFull(exchange)) {
            batch.add(Change.created(big, 1));
            rows++;
        }
        assertThat(rows).as("a quarter of 4 MB of 64 KB rows").isBetween(5, 9);
    }
}
