package io.zdtmudp.harness.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleRunsTest {
    @TempDir
    Path tmp;

    /** A pid no JVM has: beyond pid_max. */
    private static final long DEAD_JVM = 99_999_999L;

    @Test
    void killsOnlyAProcessOfADeadJvmsRunDirWhoseCommandLineNamesIt() throws Exception {
        Path stale = Files.createDirectories(tmp.resolve("zdtm-" + DEAD_JVM + "-1"));
        Path foreign = Files.createDirectories(tmp.resolve("zdtm-" + DEAD_JVM + "-2"));
        Path live = Files.createDirectories(tmp.resolve("zdtm-" + ProcessHandle.current().pid() + "-1"));
        Process qemu = new ProcessBuilder("sh", "-c", "sleep 60", stale.toString()).start();
        Process unrelated = new ProcessBuilder("sleep", "60").start();
        Process ours = new ProcessBuilder("sh", "-c", "sleep 60", live.toString()).start();
        try {
            Files.writeString(stale.resolve(VmConfig.PID_FILE), qemu.pid() + "\n");
            Files.writeString(foreign.resolve(VmConfig.PID_FILE), Long.toString(unrelated.pid()));
            Files.writeString(live.resolve(VmConfig.PID_FILE), Long.toString(ours.pid()));

            assertThat(StaleRuns.reap(tmp)).containsExactly(qemu.pid());

            assertThat(qemu.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(unrelated.isAlive()).as("its command line does not name the run dir").isTrue();
            assertThat(ours.isAlive()).as("this JVM is alive").isTrue();
            assertThat(stale).doesNotExist();
            assertThat(foreign).doesNotExist();
            assertThat(live).exists();
        } finally {
            qemu.destroyForcibly();
            unrelated.destroyForcibly();
            ours.destroyForcibly();
        }
    }
}
