package io.zdtmudp.harness.backend;

import io.zdtmudp.harness.container.ContainerVmFactory;
import io.zdtmudp.harness.vm.QemuVmFactory;
import io.zdtmudp.harness.vm.VmFactory;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Where the guest's QEMU runs: -Dzdtm.backend=qemu (on the host, the default) or container. In a package above
 * both factories, so that container needs only vm's {@link VmFactory} and the two never import each other.
 */
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
