package io.zdtmudp.harness.guest;

import io.zdtmudp.harness.vm.Vm;
import io.zdtmudp.harness.vm.VmFactory;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One guest of a {@link VmPool}, booted on first use. A guest that died (e.g. a test killed the agent)
 * is replaced on next use, so one test cannot take down the rest. Tests that ran in it when it died
 * fail with the reason; the ones after get the new guest.
 */
public final class SharedVm implements AutoCloseable {
    private static final AtomicInteger TEST_IDS = new AtomicInteger();

    private final VmFactory factory;
    private final Function<String, Optional<String>> parameters;
    private Vm vm;

    SharedVm(VmFactory factory, Function<String, Optional<String>> parameters) {
        this.factory = factory;
        this.parameters = parameters;
    }

    synchronized Vm get() {
        if (vm != null && !vm.isAlive()) {
            vm.close();
            vm = null;
        }
        if (vm == null) {
            vm = factory.create(parameters);
        }
        return vm;
    }

    /** A number unique in this JVM: names the test's netns and directories. */
    public static int nextTestId() {
        return TEST_IDS.incrementAndGet();
    }

    @Override
    public synchronized void close() {
        if (vm != null) {
            vm.close();
            vm = null;
        }
    }
}
