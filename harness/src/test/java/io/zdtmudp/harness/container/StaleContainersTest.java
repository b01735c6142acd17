package io.zdtmudp.harness.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StaleContainersTest {
    @Test
    void onlyADeadOwnerMakesAContainerStale() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor(10, TimeUnit.SECONDS);
        assertThat(StaleContainers.ownerGone(Long.toString(p.pid()))).isTrue();
        assertThat(StaleContainers.ownerGone(Long.toString(ProcessHandle.current().pid()))).isFalse();
        assertThat(StaleContainers.ownerGone("1")).as("a live JVM of another build").isFalse();
        assertThat(StaleContainers.ownerGone(null)).isFalse();
        assertThat(StaleContainers.ownerGone("not-a-pid")).isFalse();
    }
}
