package io.zdtmudp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.vm.Accelerator;
import io.zdtmudp.harness.vm.GuestImage;
import io.zdtmudp.harness.vm.QemuVm;
import io.zdtmudp.harness.vm.SnapshotStart;
import io.zdtmudp.harness.vm.SnapshotStore;
import io.zdtmudp.harness.vm.Timeouts;
import io.zdtmudp.harness.vm.VmConfig;
import io.zdtmudp.harness.vm.VmSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Start to agent-ready under TCG (host share mounted, as a test gets it), a fresh VM each time: a
 * cold boot, and a start from a snapshot of an idle booted guest. The two alternate, so load that
 * drifts during the run weighs on both alike. The bench profile orders classes by {@link Order}, so
 * this runs before any shared VM exists and no idle guest competes for the CPUs while it measures.
 */
@Order(1)
@Execution(ExecutionMode.SAME_THREAD) // and one at a time among themselves
@Isolated("a benchmark: other guests booting or working would be in its numbers")
class BootBench {
    /** At least 5 of each: one TCG boot varies by hundreds of milliseconds on a shared machine. */
    static final int BOOTS = Math.max(5, Integer.getInteger("zdtm.bench.boots", 5));

    private final GuestImage image = GuestImage.locate(System.getProperty(GuestImage.PROPERTY), Path.of(System.getProperty("user.dir")));
    private final Timeouts timeouts = Timeouts.forAccelerator(Accelerator.TCG, System.getProperty(Timeouts.PROPERTY));
    private int n;

    /** A store of its own: the first start saves the snapshot the others load, whatever the cache holds. */
    @TempDir
    Path storeDir;

    @Test
    void coldBootAndSnapshotStartToAgentReady() throws IOException {
        SnapshotStart snapshots = new SnapshotStart(new SnapshotStore(storeDir));
        int guestMib;
        try (QemuVm first = snapshots.start(config(), timeouts)) {
            assertThat(first.startedFrom()).as("an empty store: cold boot, then saved").isEmpty();
            guestMib = first.config().memoryMiB();
        }
        VmSnapshot snapshot = new SnapshotStore(storeDir).find(snapshots.keyFor(config())).snapshot()
                .orElseThrow(() -> new AssertionError("no snapshot saved in " + storeDir));
        BenchResults.snapshotBytes(Files.size(snapshot.state()));

        for (int i = 1; i <= BOOTS; i++) {
            BenchResults.bootMillis(timedStart(() -> QemuVm.start(config(), timeouts), false));
            BenchResults.snapshotStartMillis(timedStart(() -> snapshots.start(config(), timeouts), true));
        }
        // The same start with nothing else between (each right after the last QEMU exited), then each after an
        // idle host: what the load costs with warm and with cold host memory (SnapshotGap says why it differs).
        for (SnapshotGap gap : SnapshotGap.values()) {
            for (int i = 1; i <= BOOTS; i++) {
                idle(gap.idle());
                BenchResults.snapshotStartMillis(gap, timedStart(() -> snapshots.start(config(), timeouts), true));
            }
        }
        // Also here, for a run of this class alone (the report is written by the last bench class).
        System.out.printf("bench: start to agent ready: cold %s ms, snapshot %s ms (%s samples each: %s / %s); snapshot %d bytes%n",
                Summary.of(BenchResults.boots()).format(), Summary.of(BenchResults.snapshotStarts()).format(), BOOTS,
                BenchResults.boots(), BenchResults.snapshotStarts(), Files.size(snapshot.state()));
        for (SnapshotGap gap : SnapshotGap.values()) {
            System.out.printf("bench: snapshot start %s: %s ms %s%n", gap.label(),
                    Summary.of(BenchResults.snapshotStarts(gap)).format(), BenchResults.snapshotStarts(gap));
        }
        System.out.printf("bench: QEMU resident after a snapshot load: %s MiB (guest RAM %d MiB)%n",
                Summary.of(BenchResults.loadedRssMib()).format(), guestMib);
    }

    private static void idle(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while idling before a start", e);
        }
    }

    /** VmRSS of /proc/PID/status, in MiB. */
    private static double residentMib(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024.0)
                    .orElseThrow(() -> new AssertionError("no VmRSS in /proc/" + pid + "/status"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** From the start call until the agent is ready; no retry: a start that needs one is a result. */
    private static double timedStart(Supplier<QemuVm> start, boolean fromSnapshot) {
        long t0 = System.nanoTime();
        try (QemuVm vm = start.get()) {
            double ms = (System.nanoTime() - t0) / 1e6;
            assertThat(vm.startedFrom().isPresent()).as("started from the snapshot").isEqualTo(fromSnapshot);
            assertThat(vm.agent().ping()).as("agent protocol version").isPositive();
            if (fromSnapshot) {
                BenchResults.loadedRssMib(residentMib(vm.processHandle().pid()));
            }
            return ms;
        }
    }

    private VmConfig config() {
        n++;
        Path share = Path.of(System.getProperty("user.dir"), "target", "zdtm-share", "bench" + n);
        try {
            Files.createDirectories(share);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // Sockets live under /tmp: unix socket paths must stay short.
        Path run = Path.of("/tmp", "zdtm-bench-" + ProcessHandle.current().pid() + "-boot" + n);
        return VmConfig.builder(image).accel(Accelerator.TCG).shareDir(share).runDir(run).build();
    }
}
