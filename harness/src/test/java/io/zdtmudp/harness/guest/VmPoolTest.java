package io.zdtmudp.harness.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zdtmudp.harness.junit.FakeVm;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Placement of tests on guests, with {@link FakeVm}s. */
class VmPoolTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @BeforeEach
    void reset() {
        FakeVm.reset();
    }

    private static VmPool pool(int count) {
        return new VmPool(new FakeVm.Factory(), k -> Optional.empty(), count);
    }

    @Test
    void testsSpreadOverTheGuestsBeforeTheyShareOne() {
        try (VmPool pool = pool(2)) {
            VmPool.Lease a = pool.lease(false, PATIENCE);
            VmPool.Lease b = pool.lease(false, PATIENCE);
            VmPool.Lease c = pool.lease(false, PATIENCE);
            assertThat(a.vm()).isNotSameAs(b.vm());
            assertThat(pool.running()).containsExactly(2, 1);
            assertThat(FakeVm.CREATED).hasValue(2);
            a.close();
            a.close();
            assertThat(pool.running()).as("closing twice gives back once").containsExactly(1, 1);
            b.close();
            c.close();
        }
        assertThat(FakeVm.CLOSED).hasValue(2);
    }

    @Test
    void aTestAloneWaitsForTheRunningOnesAndKeepsNewOnesOut() throws Exception {
        try (VmPool pool = pool(1)) {
            VmPool.Lease shared = pool.lease(false, PATIENCE);
            CompletableFuture<VmPool.Lease> alone = CompletableFuture.supplyAsync(() -> pool.lease(true, PATIENCE));
            awaitWanted(pool);
            CompletableFuture<VmPool.Lease> later = CompletableFuture.supplyAsync(() -> pool.lease(false, PATIENCE));
            Thread.sleep(200);
            assertThat(alone).as("waits for the running test").isNotDone();
            assertThat(later).as("does not slip in ahead of the test that waits to run alone").isNotDone();
            shared.close();
            VmPool.Lease a = alone.get(5, TimeUnit.SECONDS);
            Thread.sleep(200);
            assertThat(later).as("waits while a test runs alone").isNotDone();
            assertThat(pool.running()).containsExactly(1);
            a.close();
            later.get(5, TimeUnit.SECONDS).close();
            assertThat(pool.running()).containsExactly(0);
        }
    }

    @Test
    void withTwoGuestsOthersUseTheGuestNotHeldAlone() {
        try (VmPool pool = pool(2)) {
            VmPool.Lease a = pool.lease(true, PATIENCE);
            VmPool.Lease b = pool.lease(false, PATIENCE);
            VmPool.Lease c = pool.lease(false, PATIENCE);
            assertThat(b.vm()).isNotSameAs(a.vm()).isSameAs(c.vm());
            a.close();
            b.close();
            c.close();
        }
    }

    @Test
    void waitingForAGuestIsBounded() {
        try (VmPool pool = pool(1)) {
            VmPool.Lease a = pool.lease(true, PATIENCE);
            assertThatThrownBy(() -> pool.lease(false, Duration.ofMillis(100)))
                    .hasMessageContaining("timed out waiting for a guest that no test holds alone");
            a.close();
        }
    }

    /** Until the alone request has claimed the guest (new shared leases would then wait). */
    private static void awaitWanted(VmPool pool) throws InterruptedException {
        for (int i = 0; i < 100 && !pool.hasAloneWaiting(); i++) {
            Thread.sleep(20);
        }
        assertThat(pool.hasAloneWaiting()).isTrue();
    }
}
