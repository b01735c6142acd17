package io.zdtmudp.harness.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VmConfigTest {
    private static final GuestImage IMAGE = new GuestImage(Path.of("/img/bzImage"), Path.of("/img/initramfs.cpio.gz"), Map.of());

    @Test
    void qemuArgvHasTheFixedMachineConsoleAgentQmpAndShare() {
        VmConfig c = VmConfig.builder(IMAGE).runDir(Path.of("/tmp/zr")).shareDir(Path.of("/share")).extraCmdline("zdtm.x=1").build();
        List<String> a = c.qemuArgv();
        String line = String.join(" ", a);
        assertThat(a.get(0)).isEqualTo("qemu-system-x86_64");
        assertThat(line).contains("-M q35 -accel tcg -cpu max -m 1024M -smp 2 -nodefaults -no-reboot -display none")
                .contains("-chardev file,id=console,path=/tmp/zr/console.log,append=on -serial chardev:console -pidfile /tmp/zr/qemu.pid")
                .contains("-kernel /img/bzImage -initrd /img/initramfs.cpio.gz")
                .contains("-device virtio-serial-pci")
                .contains("-chardev socket,id=agent,path=/tmp/zr/agent.sock,server=off")
                .contains("-device virtserialport,chardev=agent,name=zdtm.agent")
                .contains("-chardev socket,id=qmp,path=/tmp/zr/qmp.sock,server=off -mon chardev=qmp,mode=control")
                .contains("-virtfs local,path=/share,mount_tag=zdtm,security_model=none,id=zdtm");
        assertThat(a.get(a.indexOf("-append") + 1)).isEqualTo("console=ttyS0 panic=-1 quiet random.trust_cpu=on zdtm.x=1");
    }

    @Test
    void kvmUsesTheHostCpuAndNoShareMeansNoVirtfs() {
        List<String> a = VmConfig.builder(IMAGE).runDir(Path.of("/tmp/zr")).accel(Accelerator.KVM).memoryMiB(512).cpus(1).build().qemuArgv();
        assertThat(String.join(" ", a)).contains("-accel kvm -cpu host -m 512M -smp 1").doesNotContain("-virtfs");
    }

    @Test
    void aKernelThatPatchesItsOwnTextGetsOneVcpuUnderTcg() {
        GuestImage stock = new GuestImage(Path.of("/img/bzImage"), Path.of("/img/initramfs.cpio.gz"),
                Map.of("KERNEL_JUMP_LABEL", "yes"));
        assertThat(String.join(" ", VmConfig.builder(stock).runDir(Path.of("/tmp/zr")).build().qemuArgv()))
                .contains("-accel tcg -cpu max -m 1024M -smp 1 ");
        assertThat(String.join(" ", VmConfig.builder(IMAGE).runDir(Path.of("/tmp/zr")).build().qemuArgv()))
                .contains("-accel tcg -cpu max -m 1024M -smp 2 ");
        assertThat(String.join(" ", VmConfig.builder(stock).runDir(Path.of("/tmp/zr")).accel(Accelerator.KVM).build().qemuArgv()))
                .contains("-accel kvm -cpu host -m 1024M -smp 2 ");
        assertThat(String.join(" ", VmConfig.builder(stock).runDir(Path.of("/tmp/zr")).cpus(2).build().qemuArgv()))
                .as("a caller's own count wins").contains("-smp 2 ");
    }

    @Test
    void socketPathsMustFitSunPath() {
        assertThatThrownBy(() -> VmConfig.builder(IMAGE).runDir(Path.of("/tmp/" + "x".repeat(100))))
                .hasMessageContaining("unix socket");
        assertThatThrownBy(() -> VmConfig.builder(IMAGE).shareDir(Path.of("/a,b"))).hasMessageContaining("','");
    }
}
