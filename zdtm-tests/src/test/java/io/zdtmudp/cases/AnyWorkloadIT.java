package io.zdtmudp.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zdtmudp.harness.cycle.CrCycle;
import io.zdtmudp.harness.cycle.Readiness;
import io.zdtmudp.harness.cycle.Workload;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.udp.UdpRun;
import io.zdtmudp.harness.udp.UdpScenario;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The C/R cycle with programs it knows nothing about: each is spawned with {@link Workload}, waited for with
 * one of the {@link Readiness} strategies, and checkpointed and restored with {@link CrCycle}'s defaults.
 */
@ZdtmVm
class AnyWorkloadIT {

    /** A shell and its child: ready once the shell says so; both come back with their pids. */
    @Test
    void aShellTreeReadyByALineOfItsOutput(Guest guest) {
        String dir = guest.workDir() + "/tree";
        guest.run("mkdir", "-p", dir);
        Workload w = Workload.spawn(guest, Readiness.lineIn(dir + "/out", Pattern.compile("^child \\d+$")),
                dir + "/out", "sh", "-c", "sleep 1000 & echo child $!; wait");
        int child = Integer.parseInt(guest.run("sh", "-c", "sed -n 's/^child //p' " + dir + "/out").stdout().strip());
        CrCycle cycle = CrCycle.of(guest, w.pid(), dir);
        try {
            assertThat(cycle.args()).as("no network lock for a task in the test's own namespace")
                    .doesNotContain("--network-lock");
            var images = cycle.checkpoint();
            assertThat(images.pstree()).as("tasks in the dump").hasSize(2);
            assertThat(guest.alive(w.pid()) || guest.alive(child)).as("a task left after the dump").isFalse();
            cycle.restore();
            assertThat(guest.alive(w.pid())).as("the shell restored").isTrue();
            assertThat(guest.alive(child)).as("its child restored with its pid").isTrue();
        } finally {
            guest.exec("kill", "-9", Integer.toString(child));
            cycle.kill();
        }
    }

    /**
     * A task in a network namespace of its own, as in a container: CRIU locks that namespace, and the cycle
     * picks the lock the guest has (nftables) without being told.
     */
    @Test
    void aTaskOwningItsNetworkNamespaceNeedsNoLockOption(Guest guest) {
        String dir = guest.workDir() + "/netns";
        guest.run("mkdir", "-p", dir);
        Workload w = Workload.spawn(guest, Readiness.fileExists(dir + "/up"), dir + "/out",
                "unshare", "--net", "--", "sh", "-c", Guest.IP + " link set lo up && touch " + dir + "/up && exec sleep 1000");
        CrCycle cycle = CrCycle.of(guest, w.pid(), dir);
        try {
            assertThat(cycle.args()).as("the lock chosen for a namespace of the task's own")
                    .containsSequence("--network-lock", "nftables");
            cycle.checkpoint();
            cycle.restore();
            assertThat(guest.alive(w.pid())).as("the task restored").isTrue();
            String own = guest.run("stat", "-L", "-c", "%i", "/proc/" + w.pid() + "/ns/net").stdout().strip();
            String test = guest.run("stat", "-L", "-c", "%i", guest.netns()).stdout().strip();
            assertThat(own).as("the restored task's network namespace is again its own").isNotEqualTo(test);
        } finally {
            cycle.kill();
        }
    }

    /** A UDP receiver is ready once its port is bound, and its socket is bound to it again after the restore. */
    @Test
    void aUdpReceiverReadyByItsBoundPort(Guest guest) {
        var s = new UdpScenario();
        s.socket("rx", IpFamily.INET6).bind(IpFamily.INET6.loopback().withPort(7811));
        String dir = guest.workDir() + "/bound";
        guest.run("mkdir", "-p", dir);
        guest.writeFile(dir + "/script", s.script());
        Workload w = Workload.spawn(guest, Readiness.udpPortBound(7811), dir + "/out",
                UdpRun.WORKLOAD, dir + "/script", dir + "/ready", dir + "/result");
        CrCycle cycle = CrCycle.of(guest, w.pid(), dir);
        try {
            var images = cycle.checkpoint();
            assertThat(images.inetSockets()).as("inet sockets in the dump")
                    .anyMatch(sk -> sk.getSrcPort() == 7811 && sk.getFamily() == 10);
            assertThat(guest.alive(w.pid())).as("the receiver after the dump").isFalse();
            cycle.restore();
            assertThat(Readiness.udpPortBound(7811).test(guest, w.pid())).as("port bound after the restore").isTrue();
        } finally {
            cycle.kill();
        }
    }

    /** A program that dies before it is ready fails the wait at once, quoting what it said. */
    @Test
    void aProgramExitingBeforeItIsReadyFailsWithItsOutput(Guest guest) {
        String dir = guest.workDir() + "/early";
        guest.run("mkdir", "-p", dir);
        assertThatThrownBy(() -> Workload.spawn(guest, Readiness.fileExists(dir + "/never"), dir + "/out",
                "sh", "-c", "echo no config here >&2; exit 3"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited before it was ready")
                .hasMessageContaining("the file " + dir + "/never")
                .hasMessageContaining("no config here");
    }
}
