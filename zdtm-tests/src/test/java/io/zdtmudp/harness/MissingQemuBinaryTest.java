package io.zdtmudp.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zdtmudp.harness.vm.GuestImage;
import io.zdtmudp.harness.vm.QemuVm;
import io.zdtmudp.harness.vm.SnapshotStart;
import io.zdtmudp.harness.vm.SnapshotStore;
import io.zdtmudp.harness.vm.Timeouts;
import io.zdtmudp.harness.vm.VmConfig;
import io.zdtmudp.harness.vm.VmStartException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #7: a QEMU binary that does not exist or cannot run fails the start at once, no retry, no process. */
class MissingQemuBinaryTest {
    @TempDir
    Path tmp;

    private VmConfig config(String qemu) {
        GuestImage image = new GuestImage(tmp.resolve("bzImage"), tmp.resolve("initramfs.cpio.gz"), Map.of());
        return VmConfig.builder(image).runDir(tmp.resolve("run")).qemuBinary(qemu).build();
    }

    private void failsAtOnce(Supplier<QemuVm> start, String message) {
        long t0 = System.nanoTime();
        assertThatThrownBy(start::get).isInstanceOf(VmStartException.class).hasMessage(message)
                .satisfies(e -> assertThat(e.getSuppressed()).as("not retried").isEmpty());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(ProcessHandle.current().children()).as("nothing started").isEmpty();
        assertThat(tmp.resolve("run")).as("no run dir").doesNotExist();
    }

    @Test
    void aQemuPathThatDoesNotExist() {
        VmConfig c = config(tmp + "/no/qemu-system-x86_64");
        String message = "QEMU binary " + tmp + "/no/qemu-system-x86_64 does not exist";
        failsAtOnce(() -> QemuVm.startWithRetry(c, new Timeouts(10)), message);
        failsAtOnce(() -> new SnapshotStart(new SnapshotStore(tmp.resolve("cache"))).startWithRetry(c, new Timeouts(10)), message);
    }

    @Test
    void aQemuPathThatIsNotExecutable() throws Exception {
        Path notExecutable = Files.writeString(tmp.resolve("qemu"), "#!/bin/sh\n");
        failsAtOnce(() -> QemuVm.startWithRetry(config(notExecutable.toString()), new Timeouts(10)),
                "QEMU binary " + notExecutable + " is not an executable file");
    }
}
