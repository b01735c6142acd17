package io.zdtmudp.harness.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StartPhasesTest {
    @Test
    void eachPhaseRunsFromTheMarkBeforeItAndTheyAddUpToTheTotal() throws InterruptedException {
        StartPhases p = new StartPhases();
        Thread.sleep(50);
        p.mark("key");
        Thread.sleep(120);
        p.mark("load");
        p.mark("resume");

        assertThat(p.phases().get("key")).isBetween(Duration.ofMillis(50), Duration.ofMillis(250));
        assertThat(p.phases().get("load")).isBetween(Duration.ofMillis(120), Duration.ofMillis(320));
        assertThat(p.phases().get("resume")).isLessThan(Duration.ofMillis(120));
        assertThat(p.total()).isEqualTo(p.phases().values().stream().reduce(Duration.ZERO, Duration::plus));
        assertThat(p.toString()).matches("\\d+ ms: key \\d+, load \\d+, resume \\d+");
    }
}
