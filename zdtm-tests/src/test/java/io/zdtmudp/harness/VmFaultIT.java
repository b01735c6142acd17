package io.zdtmudp.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.zdtmudp.harness.agent.ExecResult;
import io.zdtmudp.harness.agent.GuestAgentGoneException;
import io.zdtmudp.harness.agent.GuestAgentTimeoutException;
import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.vm.QemuVm;
import io.zdtmudp.harness.vm.SnapshotStart;
import io.zdtmudp.harness.vm.SnapshotStore;
import io.zdtmudp.harness.vm.Timeouts;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue #7: each way the guest or QEMU can fail under a test gives a clear message within its
 * timeout, with the console as evidence, and leaves no QEMU behind.
 */
class VmFaultIT {
    private static final Duration LONG_COMMAND = Duration.ofSeconds(600);

    private final Timeouts timeouts = TestVms.timeouts();

    private QemuVm startVm() {
        return new SnapshotStart(SnapshotStore.inCache()).startWithRetry(TestVms.config(), timeouts);
    }

    @Test
    void qemuKilledMidTestFailsThePendingAndTheNextCallFastNamingTheSignal() throws Exception {
        QemuVm vm = startVm();
        long pid = vm.processHandle().pid();
        try {
            CompletableFuture<ExecResult> pending = CompletableFuture.supplyAsync(() -> vm.agent().exec(
                    GuestCommand.builder().args("sleep", Long.toString(LONG_COMMAND.toSeconds())).timeout(LONG_COMMAND).build()));
            Thread.sleep(500);
            long t0 = System.nanoTime();
            assertThat(vm.processHandle().destroyForcibly()).as("SIGKILL sent").isTrue();

            Throwable failed = catchThrowable(pending::join);
            show(failed.getCause());
            assertThat(failed).isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(GuestAgentGoneException.class)
                    .hasMessageContaining("QEMU was killed by signal 9 (SIGKILL)")
                    .hasMessageContaining("console tail")
                    .hasMessageContaining("init: ready after");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the pending call fails at once, not after %s", LONG_COMMAND)
                    .isLessThan(timeouts.grace());

            long t1 = System.nanoTime();
            assertThatThrownBy(() -> vm.agent().ping()).isInstanceOf(GuestAgentGoneException.class)
                    .hasMessageContaining("killed by signal 9 (SIGKILL)");
            assertThat(Duration.ofNanos(System.nanoTime() - t1)).as("the next call fails at once").isLessThan(Duration.ofSeconds(1));
            assertThat(vm.isAlive()).isFalse();
        } finally {
            vm.close();
        }
        assertThat(TestVms.gone(pid)).as("QEMU %s gone from /proc", pid).isTrue();
    }

    @Test
    void aGuestKernelPanicIsNamedAndQuoted() throws Exception {
        QemuVm vm = startVm();
        long pid = vm.processHandle().pid();
        try {
            // init's test hook: with this file, SIGUSR1 makes PID 1 exit, and the kernel panics.
            vm.agent().writeFile("/run/zdtm-exit-init", new byte[0], 0644);
            try {
                vm.agent().exec(GuestCommand.of("kill", "-USR1", "1"));
            } catch (GuestAgentGoneException raced) {
                // the panic may end the guest before the answer comes back
            }
            vm.processHandle().onExit().get(timeouts.boot().toMillis(), TimeUnit.MILLISECONDS);

            Throwable gone = catchThrowable(() -> vm.agent().ping());
            show(gone);
            assertThat(gone).isInstanceOf(GuestAgentGoneException.class)
                    .hasMessageContaining("guest kernel panic: Kernel panic - not syncing: Attempted to kill init!");
            // The serial console interleaves printk lines into a user write ("init: exiting on[ 2.84] Kernel
            // panic ...\n request (test hook)"): init's last words are quoted once those lines are taken out.
            assertThat(gone.getMessage().replaceAll("\\[\\s*\\d+\\.\\d+\\][^\\n]*\\n", ""))
                    .as("the quoted console tail without the kernel's own lines").contains("init: exiting on request (test hook)");
            assertThat(vm.consoleTail(200)).contains("Kernel panic - not syncing");
        } finally {
            vm.close();
        }
        assertThat(TestVms.gone(pid)).as("QEMU %s gone from /proc", pid).isTrue();
    }

    @Test
    void aHungAgentTimesOutWithAClearMessage() {
        QemuVm vm = startVm();
        long pid = vm.processHandle().pid();
        try {
            // $PPID is the agent's EXEC worker (it still answers this call); its parent is the agent's main loop.
            vm.agent().exec(GuestCommand.of("sh", "-c", "kill -STOP $(cut -d' ' -f4 /proc/$PPID/stat)")).orThrow();

            Duration own = Duration.ofSeconds(1);
            long t0 = System.nanoTime();
            Throwable hung = catchThrowable(() -> vm.agent().exec(GuestCommand.builder().args("true").timeout(own).build()));
            show(hung);
            assertThat(hung).isInstanceOf(GuestAgentTimeoutException.class)
                    .hasMessageContaining("guest agent did not answer EXEC")
                    .hasMessageContaining("within " + own.plus(timeouts.grace()).toMillis() + " ms");
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(took).as("waits the command's timeout plus grace, no longer")
                    .isGreaterThanOrEqualTo(own.plus(timeouts.grace()))
                    .isLessThan(own.plus(timeouts.grace()).plusSeconds(10));
            assertThat(vm.isAlive()).as("QEMU itself still runs").isTrue();
        } finally {
            vm.close();
        }
        assertThat(TestVms.gone(pid)).as("QEMU %s gone from /proc", pid).isTrue();
    }

    /** The message's first lines in the test output, as a reader of a failed run would see them. */
    private static void show(Throwable t) {
        String m = String.valueOf(t == null ? null : t.getMessage());
        System.err.println("zdtm: " + (t == null ? "no exception" : t.getClass().getSimpleName()) + ": "
                + String.join("\n  ", m.lines().limit(4).toList()));
    }
}
