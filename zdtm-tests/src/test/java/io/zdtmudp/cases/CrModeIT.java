package io.zdtmudp.cases;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.cycle.CrCycle;
import io.zdtmudp.harness.cycle.CrMode;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.KernelFeatures;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.net.Payload;
import io.zdtmudp.harness.udp.QueueComparison;
import io.zdtmudp.harness.udp.UdpOutcome;
import io.zdtmudp.harness.udp.UdpRun;
import io.zdtmudp.harness.udp.UdpScenario;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each of zdtm.py's modes does what it says to the task, and the queue (an empty datagram and a cork
 * included) comes through it whole: the step before the final dump (a pre-dump, a leave-running dump) and a
 * dump that leaves the task running must consume neither. {@code -Dzdtm.mode} runs every case in one mode;
 * this runs each mode whatever that says, and checks the mode's own evidence.
 */
@ZdtmVm
class CrModeIT {
    @ParameterizedTest(name = "{0}")
    @EnumSource(CrMode.class)
    void theQueueAndTheCorkComeThroughEachMode(CrMode mode, Guest guest) {
        var s = new UdpScenario();
        var rx = s.socket("rx", IpFamily.INET6).bind(IpFamily.INET6.loopback().withPort(7900)).pktinfo();
        var tx = s.socket("tx", IpFamily.INET6).bind(IpFamily.INET6.loopback().withPort(7901));
        var corked = s.socket("corked", IpFamily.INET).bind(IpFamily.INET.loopback().withPort(7902)).cork();
        var sink = s.socket("sink", IpFamily.INET).bind(IpFamily.INET.loopback().withPort(7903));
        s.sendMany(tx, rx, 20, 700, 5);
        s.send(tx, rx, Payload.empty());
        s.sendMany(tx, rx, 3, 30, 6);
        s.sendCorked(corked, sink, Payload.text("held in the cork"), false);
        var after = s.afterRestore();
        Datagram whole = after.uncork(corked);
        after.receive(sink);

        KernelFeatures.assumeUdpRepair(guest, "UDP_REPAIR_CORK");

        try (UdpRun run = UdpRun.start(guest, s).mode(mode)) {
            run.checkpoint();
            String dir = guest.workDir() + "/udpq";
            switch (mode) {
                case PRE -> {
                    assertThat(exists(guest, dir + "/pre-1/inventory.img")).as("the pre-dump's images").isTrue();
                    assertThat(guest.run("readlink", "-f", dir + "/images-1/parent").stdout().strip())
                            .as("the dump's parent").isEqualTo(dir + "/pre-1");
                }
                case SNAPS -> {
                    assertThat(exists(guest, dir + "/snap-1/inventory.img")).as("the snapshot's images").isTrue();
                    assertThat(guest.run("readlink", "-f", dir + "/images-1/parent").stdout().strip())
                            .as("the final dump's parent").isEqualTo(dir + "/snap-1");
                }
                case ITERS -> {
                    for (int k = 1; k < CrMode.ITERATIONS; k++) {
                        String iter = dir + "/iter-1-" + k;
                        assertThat(exists(guest, iter + "/inventory.img")).as("iteration %d's dump", k).isTrue();
                        // a container's init gets a new pid at each restore, which the cycle follows
                        if (k == CrMode.ITERATIONS - 1 || !run.flavor().ownsUserNamespace()) {
                            assertThat(guest.run("cat", iter + "/restore.pid").stdout().strip())
                                    .as("iteration %d's restored pid", k).isEqualTo(Integer.toString(run.pid()));
                        }
                    }
                    assertThat(exists(guest, dir + "/images-1/parent")).as("a parent image dir").isFalse();
                }
                case PAGE_SERVER -> {
                    assertThat(guest.run("sh", "-c", "ls " + dir + "/images-1/pages-*.img | wc -l").stdout().strip())
                            .as("page images the page server wrote").isNotEqualTo("0");
                    assertThat(guest.run("grep", "-c", "Accepted connection", dir + "/images-1/page-server.log")
                            .stdout().strip()).as("connections the page server took").isNotEqualTo("0");
                }
                case RPC -> {
                    assertThat(run.lastDump().command()).as("the dump's command").contains("swrk");
                    assertThat(guest.run("sh", "-c", "ls " + dir + "/" + CrCycle.RPC_SESSIONS + "/*.resp | wc -l").stdout().strip())
                            .as("RPC sessions the relay answered").isEqualTo("1");
                }
                case LAZY, NORST, PLAIN -> assertThat(exists(guest, dir + "/images-1/parent")).as("a parent image dir").isFalse();
            }
            assertThat(guest.alive(run.pid())).as("the task runs after a %s dump", mode).isEqualTo(mode == CrMode.NORST);
            QueueComparison.assertSame("queue in the " + mode + " image", s.queueOf(rx), run.savedQueue(rx));
            assertThat(run.savedCork(corked)).as("cork in the %s image", mode).contains(Payload.text("held in the cork"));
            run.restore();
            if (mode == CrMode.RPC) {
                assertThat(run.lastRestore().command()).as("the restore's command").contains("swrk");
            }
            if (mode == CrMode.LAZY) {
                assertThat(guest.run("grep", "-c", "lazy-pages", dir + "/images-1/restore.log").stdout().strip())
                        .as("the restore's log lines about lazy pages").isNotEqualTo("0");
                assertThat(exists(guest, dir + "/images-1/lazy-pages.log")).as("the lazy-pages daemon's log").isTrue();
            }
            UdpOutcome out = run.finish();
            QueueComparison.assertSame("queue after " + mode, s.queueOf(rx), out.received(rx));
            assertThat(out.later(sink)).as("what the cork delivers after %s", mode).containsExactly(whole);
        }
    }

    private static boolean exists(Guest guest, String path) {
        return guest.exec("test", "-e", path).succeeded();
    }
}
