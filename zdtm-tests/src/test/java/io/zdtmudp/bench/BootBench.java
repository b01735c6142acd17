package io.zdtmudp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.vm.Accelerator;
import io.zdtmudp.harness.vm.GuestImage;
import io.zdtmudp.harness.vm.QemuVm;
import io.zdtmudp.harness.vm.Timeouts;
import io.zdtmudp.harness.vm.VmConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Boot to agent-ready under TCG: QEMU start until the guest agent's HELLO, a fresh VM each time.
 * The bench profile orders classes by {@link Order}, so this runs before any shared VM exists and
 * no idle guest competes for the CPUs while it measures.
 */
@Order(1)
@Execution(ExecutionMode.SAME_THREAD) // and one at a time among themselves
@Isolated("a benchmark: other guests booting or working would be in its numbers")
class BootBench {
    /** At least 5 boots: one TCG boot varies by hundreds of milliseconds on a shared machine. */
    static final int BOOTS = Math.max(5, Integer.getInteger("zdtm.bench.boots", 5));

    @Test
    void bootToAgentReady() {
        GuestImage image = GuestImage.locate(System.getProperty(GuestImage.PROPERTY), Path.of(System.getProperty("user.dir")));
        Timeouts timeouts = Timeouts.forAccelerator(Accelerator.TCG, System.getProperty(Timeouts.PROPERTY));
        for (int i = 1; i <= BOOTS; i++) {
            // Sockets live under /tmp: unix socket paths must stay short.
            Path run = Path.of("/tmp", "zdtm-bench-" + ProcessHandle.current().pid() + "-boot" + i);
            VmConfig config = VmConfig.builder(image).accel(Accelerator.TCG).runDir(run).build();
            // No retry: a boot that needs one is part of what a user waits for, and a failure is a result.
            try (QemuVm vm = QemuVm.start(config, timeouts)) {
                assertThat(vm.agent().ping()).as("agent protocol version after HELLO").isPositive();
                BenchResults.bootMillis(vm.bootTime().toNanos() / 1e6);
            }
        }
    }
}
