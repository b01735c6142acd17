package io.zdtmudp.harness.junit;

import io.zdtmudp.harness.container.ContainerVmFactory;
import java.util.Locale;
import java.util.function.Supplier;

/** Where the guest's QEMU runs: -Dzdtm.backend=qemu (on the host, the default) or container. */
public enum VmBackend {
    QEMU(QemuVmFactory::new),
    CONTAINER(ContainerVmFactory::new);

    public static final String PROPERTY = "zdtm.backend";

    private final Supplier<VmFactory> factory;

    VmBackend(Supplier<VmFactory> factory) {
        this.factory = factory;
    }

    public VmFactory factory() {
        return factory.get();
    }

    public static VmBackend parse(String value) {
        if (value == null || value.isBlank()) {
            return QEMU;
        }
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTY + " must be qemu or container, got '" + value + "'", e);
        }
    }
}
