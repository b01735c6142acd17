package io.zdtmudp.harness.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QEMU that cannot start: a clear error with QEMU's own words, one retry, and no process left. */
class QemuVmStartFailureTest {
    @TempDir
    Path tmp;

    @Test
    void unbootableKernelFailsTwiceWithQemusMessageAndLeavesNoProcess() throws Exception {
        assumeTrue(onPath("qemu-system-x86_64"), "qemu-system-x86_64 not installed");
        Files.writeString(tmp.resolve("bzImage"), "not a kernel");
        Files.writeString(tmp.resolve("initramfs.cpio.gz"), "not an initramfs");
        GuestImage image = new GuestImage(tmp.resolve("bzImage"), tmp.resolve("initramfs.cpio.gz"), Map.of());
        VmConfig config = VmConfig.builder(image).runDir(Path.of("/tmp", "zdtm-fail-" + ProcessHandle.current().pid())).build();

        assertThatThrownBy(() -> QemuVm.startWithRetry(config, new Timeouts(1)))
                .isInstanceOf(VmStartException.class)
                .hasMessageContaining("QEMU exited with status")
                .hasMessageContaining("--- qemu output ---")
                .satisfies(e -> assertThat(e.getSuppressed()).as("the first attempt is kept").hasSize(1));
        assertThat(ProcessHandle.current().descendants().filter(p -> p.info().command().orElse("").contains("qemu"))).isEmpty();
    }

    private static boolean onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }
}
