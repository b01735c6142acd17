package io.zdtmudp.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other IT of {@code mvn verify} (its own failsafe execution in zdtm-tests/pom.xml):
 * no QEMU started by this build still runs, and none of its QEMU run dirs is left in /tmp. Only this
 * build's are counted (the test JVMs {@link ForkRecorder} noted under the same Maven process), since
 * other builds may run on this machine at the same time.
 */
class LeftoversIT {
    @Test
    void noQemuAndNoRunDirOfThisBuildRemain() {
        long build = ForkRecorder.buildPid(ProcessHandle.current());
        Set<Long> forks = BuildLeftovers.forksOf(ForkRecorder.forksDir(), build);
        Path tmp = Path.of("/tmp");
        Path share = Path.of(System.getProperty("user.dir"), "target", "zdtm-share");
        AtomicReference<BuildLeftovers> left = new AtomicReference<>();
        // A QEMU killed by its JVM's last hook may take a moment to be reaped; nothing else is pending.
        try {
            await("this build's QEMUs and run dirs gone").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        left.set(BuildLeftovers.find(tmp, forks, share,
                                ProcessHandle.allProcesses().map(BuildLeftovers.Proc::of).toList()));
                        return left.get().none();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // the assertions below say what is left
        }
        BuildLeftovers found = left.get();
        System.out.printf("LeftoversIT: build (maven pid %d) ran %d test JVMs %s; QEMU processes left: %d; "
                + "run dirs left: %d%n", build, forks.size(), forks, found.qemus().size(), found.runDirs().size());

        assertThat(found.qemus()).as("QEMU processes of this build still running").isEmpty();
        assertThat(found.runDirs()).as("run dirs of this build left in " + tmp).isEmpty();
    }
}
