package io.zdtmudp.harness.guest;

import io.zdtmudp.harness.vm.Vm;
import io.zdtmudp.harness.vm.VmFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The guests a scope's tests run on: up to {@code zdtm.vm.count} VMs, booted on first need. Each test
 * goes to the guest with the fewest tests running, so concurrent tests spread over the guests before
 * they pile up in one. Closed with the JUnit store that holds it.
 */
public final class VmPool implements AutoCloseable {
    public static final String COUNT_PROPERTY = "zdtm.vm.count";

    private final List<SharedVm> slots = new ArrayList<>();
    private final int[] running;
    private final boolean[] alone;
    private final int[] wantedAlone;

    public VmPool(VmFactory factory, Function<String, Optional<String>> parameters, int count) {
        if (count < 1) {
            throw new IllegalArgumentException(COUNT_PROPERTY + " must be at least 1, got " + count);
        }
        for (int i = 0; i < count; i++) {
            slots.add(new SharedVm(factory, parameters));
        }
        running = new int[count];
        alone = new boolean[count];
        wantedAlone = new int[count];
    }

    /**
     * How many guests a run may boot: {@code zdtm.vm.count}, else one per two host cores, since a TCG
     * guest with two vCPUs keeps about two host threads busy.
     */
    public static int count(Function<String, Optional<String>> parameters, int hostCores) {
        return parameters.apply(COUNT_PROPERTY).map(String::trim).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(COUNT_PROPERTY + " must be a number, got '" + v + "'", e);
            }
        }).orElse(Math.max(1, hostCores / 2));
    }

    /**
     * A guest for one test, booting it if its slot has none (or a dead one); give it back with
     * {@link Lease#close}. An {@code alone} lease waits until its guest is idle and keeps others out of
     * it; the others go to another guest or wait. Waits end after {@code patience}.
     */
    public Lease lease(boolean alone, Duration patience) {
        int slot;
        long deadline = System.nanoTime() + patience.toNanos();
        synchronized (this) {
            slot = alone ? reserveAlone(deadline) : reserveShared(deadline);
        }
        // Booting happens outside the pool's lock: a test bound for a guest that is up need not wait for it.
        try {
            return new Lease(slot, alone, slots.get(slot).get());
        } catch (RuntimeException e) {
            release(slot, alone);
            throw e;
        }
    }

    /** The least busy guest nobody holds or waits to hold alone. */
    private int reserveShared(long deadline) {
        while (true) {
            int best = -1;
            for (int i = 0; i < running.length; i++) {
                if (!alone[i] && wantedAlone[i] == 0 && (best < 0 || running[i] < running[best])) {
                    best = i;
                }
            }
            if (best >= 0) {
                running[best]++;
                return best;
            }
            awaitChange(deadline, "a guest that no test holds alone");
        }
    }

    /** The least busy guest, claimed so no new test joins it, once its tests have left. */
    private int reserveAlone(long deadline) {
        int slot = 0;
        for (int i = 1; i < running.length; i++) {
            if (running[i] + wantedAlone[i] < running[slot] + wantedAlone[slot]) {
                slot = i;
            }
        }
        wantedAlone[slot]++;
        try {
            while (running[slot] > 0 || alone[slot]) {
                awaitChange(deadline, "guest " + slot + " to be idle for a test that runs alone in it");
            }
        } finally {
            wantedAlone[slot]--;
        }
        alone[slot] = true;
        running[slot]++;
        return slot;
    }

    private void awaitChange(long deadline, String what) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new IllegalStateException("timed out waiting for " + what + " (tests per guest now "
                    + Arrays.toString(running) + ")");
        }
        try {
            wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        }
    }

    /** Whether a test waits to run alone in some guest (for tests of the pool). */
    synchronized boolean hasAloneWaiting() {
        return Arrays.stream(wantedAlone).anyMatch(n -> n > 0);
    }

    /** Tests now running on each guest (for tests of the pool). */
    synchronized int[] running() {
        return running.clone();
    }

    private synchronized void release(int slot, boolean wasAlone) {
        running[slot]--;
        if (wasAlone) {
            alone[slot] = false;
        }
        notifyAll();
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (SharedVm s : slots) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** One test's hold on a guest. */
    public final class Lease implements AutoCloseable {
        private final int slot;
        private final boolean alone;
        private final Vm vm;
        private boolean released;

        private Lease(int slot, boolean alone, Vm vm) {
            this.slot = slot;
            this.alone = alone;
            this.vm = vm;
        }

        public Vm vm() {
            return vm;
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                release(slot, alone);
            }
        }
    }
}
