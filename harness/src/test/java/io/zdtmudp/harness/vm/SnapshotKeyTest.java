package io.zdtmudp.harness.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class SnapshotKeyTest {
    private static final GuestImage IMAGE = new GuestImage(Path.of("/img/bzImage"), Path.of("/img/initramfs.cpio.gz"), Map.of());

    private static VmConfig.Builder base() {
        return VmConfig.builder(IMAGE).runDir(Path.of("/tmp/zdtm-1-1")).shareDir(Path.of("/work/target/zdtm-share/vm1"));
    }

    private static SnapshotKey key(VmConfig c) {
        return SnapshotKey.of(c, "qemu 7.2.22", "k1", "i1");
    }

    private static SnapshotKey key(UnaryOperator<VmConfig.Builder> change) {
        return key(change.apply(base()).build());
    }

    @Test
    void perRunHostPathsDoNotChangeTheKey() {
        SnapshotKey a = key(base().build());
        SnapshotKey b = key(VmConfig.builder(new GuestImage(Path.of("/other/bzImage"), Path.of("/other/initrd.gz"), Map.of()))
                .runDir(Path.of("/tmp/zdtm-99-7")).shareDir(Path.of("/elsewhere/vm3")).build());
        assertThat(b).isEqualTo(a);
        assertThat(a.description()).doesNotContain("/tmp/zdtm-1-1", "/work/target", "/img/")
                .contains("<run>/agent.sock", "path=<share>", "-kernel <kernel>", "-initrd <initrd>");
    }

    @Test
    void everythingThatShapesTheGuestChangesTheKey() {
        SnapshotKey a = key(base().build());
        assertThat(key(b -> b.memoryMiB(512))).isNotEqualTo(a);
        assertThat(key(b -> b.cpus(1))).isNotEqualTo(a);
        assertThat(key(b -> b.accel(Accelerator.KVM))).isNotEqualTo(a);
        assertThat(key(b -> b.extraCmdline("zdtm.x=1"))).as("kernel command line").isNotEqualTo(a);
        assertThat(key(b -> b.shareDir(null))).as("device set: no 9p").isNotEqualTo(a);
        VmConfig c = base().build();
        // The binary enters through its identity (real path, size, mtime, --version), not argv[0].
        assertThat(SnapshotKey.of(c, "qemu 8.0", "k1", "i1")).as("QEMU binary and version").isNotEqualTo(a);
        assertThat(SnapshotKey.of(c, "qemu 7.2.22", "k2", "i1")).as("kernel bytes").isNotEqualTo(a);
        assertThat(SnapshotKey.of(c, "qemu 7.2.22", "k1", "i2")).as("initramfs bytes").isNotEqualTo(a);
    }

    @Test
    void hash16IsTheStartOfASha256() {
        SnapshotKey k = key(base().build());
        assertThat(k.hash()).matches("[0-9a-f]{64}");
        assertThat(k.hash16()).isEqualTo(k.hash().substring(0, 16));
    }
}
