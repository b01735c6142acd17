package io.zdtmudp.ecosystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zdtmudp.harness.agent.GuestAgentTimeoutException;
import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.host.HostSignals;
import io.zdtmudp.harness.vm.QemuVm;
import io.zdtmudp.harness.vm.QemuVmFactory;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue #7: a hung guest, played by freezing its QEMU with SIGSTOP (jnr-posix; the JDK cannot send it). The next
 * agent call must fail with a timeout that says what did not answer and after how long, no later than its
 * slowdown-scaled limit; after SIGCONT the same guest answers again, and closing it leaves no QEMU.
 */
class HungGuestIT {
    /** The command's own timeout; the agent adds the scaled grace on top. */
    private static final Duration OWN = Duration.ofSeconds(1);
    /** Scheduling slack on a loaded host: the call may return this much after its limit, never before it. */
    private static final Duration SLACK = Duration.ofSeconds(10);

    @Test
    void aFrozenQemuFailsTheNextAgentCallWithinItsScaledTimeoutThenRecoversAndLeavesNoQemu() throws Exception {
        HostSignals signals = HostSignals.open();
        long qemuPid;
        String runDir;
        try (QemuVm vm = (QemuVm) new QemuVmFactory().create(key -> Optional.ofNullable(System.getProperty(key)))) {
            qemuPid = vm.processHandle().pid();
            runDir = vm.config().runDir().toString();
            assertThat(vm.agent().ping()).as("agent protocol version before the freeze").isPositive();
            Duration limit = OWN.plus(vm.timeouts().grace());
            GuestCommand cmd = GuestCommand.builder().args("true").timeout(OWN).build();

            try (HostSignals.Frozen frozen = signals.freeze(vm.processHandle(), Duration.ofSeconds(10))) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> vm.agent().exec(cmd))
                        .isInstanceOf(GuestAgentTimeoutException.class)
                        .hasMessageContaining("guest agent did not answer EXEC true")
                        .hasMessageContaining("within " + limit.toMillis() + " ms");
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                assertThat(took).as("the call waited its scaled limit %s, not the default %s", limit, vm.timeouts().call())
                        .isBetween(limit, limit.plus(SLACK));
                assertThat(vm.isAlive()).as("a hung guest is not a dead one").isTrue();
                System.out.printf("hung guest: EXEC failed after %d ms, limit %d ms (slowdown %.1f)%n", took.toMillis(),
                        limit.toMillis(), vm.timeouts().slowdown());
            }

            assertThat(vm.agent().exec(GuestCommand.builder().args("echo", "thawed").timeout(OWN).build()).stdout())
                    .as("the same guest answers after SIGCONT").isEqualTo("thawed\n");
        }
        assertThat(ProcessHandle.of(qemuPid).filter(ProcessHandle::isAlive)).as("QEMU %d after close", qemuPid).isEmpty();
        // Other classes' shared VMs may run in this JVM: only a QEMU of this VM's run dir would be a leak.
        assertThat(ProcessHandle.current().descendants().filter(p -> p.info().commandLine().orElse("").contains(runDir)))
                .as("no QEMU of %s left behind", runDir).isEmpty();
    }
}
