package io.zdtmudp.harness.junit;

import io.zdtmudp.harness.vm.Vm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The guests a scope's tests run on: up to {@code zdtm.vm.count} VMs, booted on first need. Each test
 * goes to the guest with the fewest tests running, so concurrent tests spread over the guests before
 * they pile up in one. Closed with the JUnit store that holds it.
 */
final class VmPool implements AutoCloseable {
    static final String COUNT_PROPERTY = "zdtm.vm.count";

    private final List<SharedVm> slots = new ArrayList<>();
    private final int[] running;

    VmPool(VmFactory factory, Function<String, Optional<String>> parameters, int count) {
        if (count < 1) {
            throw new IllegalArgumentException(COUNT_PROPERTY + " must be at least 1, got " + count);
        }
        for (int i = 0; i < count; i++) {
            slots.add(new SharedVm(factory, parameters));
        }
        running = new int[count];
    }

    /**
     * How many guests a run may boot: {@code zdtm.vm.count}, else one per two host cores, since a TCG
     * guest with two vCPUs keeps about two host threads busy.
     */
    static int count(Function<String, Optional<String>> parameters, int hostCores) {
        return parameters.apply(COUNT_PROPERTY).map(String::trim).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(COUNT_PROPERTY + " must be a number, got '" + v + "'", e);
            }
        }).orElse(Math.max(1, hostCores / 2));
    }

    /** A guest for one test, booting it if its slot has none (or a dead one); give it back with {@link Lease#close}. */
    Lease lease() {
        int slot;
        synchronized (this) {
            slot = 0;
            for (int i = 1; i < running.length; i++) {
                if (running[i] < running[slot]) {
                    slot = i;
                }
            }
            running[slot]++;
        }
        // Booting happens outside the pool's lock: a test bound for a guest that is up need not wait for it.
        try {
            return new Lease(slot, slots.get(slot).get());
        } catch (RuntimeException e) {
            release(slot);
            throw e;
        }
    }

    /** Tests now running on each guest (for tests of the pool). */
    synchronized int[] running() {
        return running.clone();
    }

    private synchronized void release(int slot) {
        running[slot]--;
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
    final class Lease implements AutoCloseable {
        private final int slot;
        private final Vm vm;
        private boolean released;

        private Lease(int slot, Vm vm) {
            this.slot = slot;
            this.vm = vm;
        }

        Vm vm() {
            return vm;
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                release(slot);
            }
        }
    }
}
