package io.zdtmudp.harness.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
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

    @Test
    void freezeStopsTheProcessAndClosingLetsItRunAgain() {
        ProcessHandle p = sleeper.toHandle();
        assertThat(HostSignals.isStopped(p)).isFalse();
        try (HostSignals.Frozen frozen = signals.freeze(p, LIMIT)) {
            assertThat(HostSignals.isStopped(p)).as("stopped when freeze returns").isTrue();
            assertThat(frozen.process()).isEqualTo(p);
        }
        await("sleep running again").atMost(LIMIT).until(() -> !HostSignals.isStopped(p));
        assertThat(p.isAlive()).isTrue();
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
        HostSignals.Frozen frozen = signals.freeze(sleeper.toHandle(), LIMIT);
        sleeper.destroyForcibly().waitFor();
        frozen.close();
        assertThat(sleeper.isAlive()).isFalse();
    }
}
