package io.zdtmudp.harness.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class QemuExitTest {
    @Test
    void aKilledQemuNamesTheSignal() {
        assertThat(QemuExit.describe(Optional.of(137), "init: ready"))
                .isEqualTo("QEMU was killed by signal 9 (SIGKILL) (exit status 137)");
        assertThat(QemuExit.describe(Optional.of(143), "")).contains("signal 15 (SIGTERM)");
    }

    @Test
    void aPlainExitGivesTheStatus() {
        assertThat(QemuExit.describe(Optional.of(1), "")).isEqualTo("QEMU exited with status 1");
        assertThat(QemuExit.describe(Optional.empty(), "")).isEqualTo("QEMU still running");
    }

    @Test
    void aGuestPanicComesFirstAndQuotesThePanicLine() {
        String console = "init: ready\n[    5.1] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000a00\n"
                + "[    5.2] CPU: 0 PID: 1 Comm: init\n";
        assertThat(QemuExit.describe(Optional.of(0), console))
                .isEqualTo("guest kernel panic: Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000a00;"
                        + " QEMU exited with status 0");
    }
}
