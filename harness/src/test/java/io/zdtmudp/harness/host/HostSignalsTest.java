package io.zdtmudp.harness.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jnr.constants.platform.Signal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HostSignalsTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private final HostSignals signals = HostSignals.open();
    private Process sleeper;

    @BeforeEach
    void start() throws IOException {
        sleeper = new ProcessBuilder("sleep", "120").start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        sleeper.destroyForcibly().waitFor();
    }

    /** The state letter of /proc/<pid>/stat: S sleeping, T stopped. */
    private static char state(ProcessHandle p) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    @Test
    void freezeStopsTheProcessAndClosingLetsItRunAgain() {
        ProcessHandle p = sleeper.toHandle();
        try (HostSignals.Frozen frozen = signals.freeze(p)) {
            await("sleep stopped").atMost(LIMIT).until(() -> state(p) == 'T');
            assertThat(frozen.process()).isEqualTo(p);
        }
        await("sleep running again").atMost(LIMIT).until(() -> state(p) == 'S');
    }

    @Test
    void aSignalToAProcessThatIsGoneNamesErrno() throws InterruptedException {
        ProcessHandle p = sleeper.toHandle();
        sleeper.destroyForcibly().waitFor();
        assertThatThrownBy(() -> signals.send(p, Signal.SIGCONT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ESRCH").hasMessageContaining(Long.toString(p.pid()));
    }

    @Test
    void closingAfterTheProcessDiedIsQuiet() throws InterruptedException {
        HostSignals.Frozen frozen = signals.freeze(sleeper.toHandle());
        sleeper.destroyForcibly().waitFor();
        frozen.close();
        assertThat(sleeper.isAlive()).isFalse();
    }
}
