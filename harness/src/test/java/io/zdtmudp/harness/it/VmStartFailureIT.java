package io.zdtmudp.harness.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zdtmudp.harness.vm.Accelerator;
import io.zdtmudp.harness.vm.GuestImage;
import io.zdtmudp.harness.vm.QemuVm;
import io.zdtmudp.harness.vm.Timeouts;
import io.zdtmudp.harness.vm.VmConfig;
import io.zdtmudp.harness.vm.VmStartException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real kernel that cannot find its userspace panics; the start fails with the panic in the message. */
class VmStartFailureIT {
    @TempDir
    Path tmp;

    @Test
    void kernelPanicShowsUpInTheStartError() throws Exception {
        GuestImage real = GuestImage.locate(System.getProperty(GuestImage.PROPERTY), Path.of(System.getProperty("user.dir")));
        Path junk = Files.writeString(tmp.resolve("initramfs.cpio.gz"), "garbage");
        GuestImage broken = new GuestImage(real.kernel(), junk, Map.of());
        VmConfig config = VmConfig.builder(broken).runDir(Path.of("/tmp", "zdtm-panic-" + ProcessHandle.current().pid())).build();
        Timeouts t = Timeouts.forAccelerator(Accelerator.TCG, System.getProperty(Timeouts.PROPERTY));

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> QemuVm.start(config, t)).isInstanceOf(VmStartException.class)
                .hasMessageContaining("QEMU exited with status")
                .hasMessageContaining("Kernel panic");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).as("no waiting for the boot timeout").isLessThan(t.boot());
        assertThat(ProcessHandle.current().descendants().filter(p -> p.info().command().orElse("").contains("qemu"))).isEmpty();
    }
}
