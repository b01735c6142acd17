package io.zdtmudp.harness.vm;

import java.util.Optional;
import java.util.function.Function;

/**
 * Creates the VM that {@code @ZdtmVm} tests (io.zdtmudp.harness.junit) run against. The default boots QEMU
 * ({@link QemuVmFactory}); -Dzdtm.vm.factory=CLASS (or the JUnit configuration parameter) picks another, e.g.
 * a fake in tests of the extension itself. Implementations need a public no-argument constructor.
 */
public interface VmFactory {
    String PROPERTY = "zdtm.vm.factory";

    /**
     * @param parameters JUnit configuration parameters (which include system properties)
     */
    Vm create(Function<String, Optional<String>> parameters);
}
