package io.zdtmudp.harness.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zdtmudp.harness.container.ContainerVmFactory;
import io.zdtmudp.harness.vm.QemuVmFactory;
import org.junit.jupiter.api.Test;

class VmBackendTest {
    @Test
    void hostQemuUnlessTheContainerIsAskedFor() {
        assertThat(VmBackend.parse(null).factory()).isInstanceOf(QemuVmFactory.class);
        assertThat(VmBackend.parse(" ").factory()).isInstanceOf(QemuVmFactory.class);
        assertThat(VmBackend.parse("qemu")).isEqualTo(VmBackend.QEMU);
        assertThat(VmBackend.parse("Container").factory()).isInstanceOf(ContainerVmFactory.class);
    }

    @Test
    void anUnknownBackendIsRefusedByName() {
        assertThatThrownBy(() -> VmBackend.parse("podman")).hasMessageContaining("zdtm.backend must be qemu or container, got 'podman'");
    }
}
