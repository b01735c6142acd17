package io.zdtmudp.harness.junit;

import io.zdtmudp.harness.vm.Vm;
import java.util.Optional;
import java.util.function.Function;

/**
 * Creates the VM a {@link ZdtmVm} class runs against. The default boots QEMU ({@link QemuVmFactory});
 * -Dzdtm.vm.factory=CLASS (or the JUnit configuration parameter) picks another, e.g. a fake in tests
 * of the extension itself. Implementations need a public no-argument constructor.
 */
public interface VmFactory {
    String PROPERTY = "zdtm.vm.factory";

    /**
     * @param parameters JUnit configuration parameters (which include system properties)
     */
    Vm create(Function<String, Optional<String>> parameters);
}
