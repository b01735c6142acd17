package io.zdtmudp.cases;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.criu.CriuResult;
import io.zdtmudp.harness.cycle.CrMode;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.KernelFeatures;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.net.Payload;
import io.zdtmudp.harness.udp.UdpOutcome;
import io.zdtmudp.harness.udp.UdpQueuesMode;
import io.zdtmudp.harness.udp.UdpRun;
import io.zdtmudp.harness.udp.UdpScenario;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A corked socket (UDP_CORK, or MSG_MORE pending) is dumped with its pending
 * datagram and re-corked on restore, so that when the application finishes
 * the datagram the peer receives exactly the bytes, from the same source, that
 * it would have received without C/R.
 */
@ZdtmVm
class UdpCorkIT {
    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void corkedByUdpCork(IpFamily family, Guest guest) {
        var s = new UdpScenario();
        var rx = s.socket("rx", family).bind(family.loopback().withPort(7400)).pktinfo();
        var tx = s.socket("tx", family).bind(family.loopback().withPort(7401)).cork();
        s.sendCorked(tx, rx, Payload.text("corked "), false);
        s.sendCorked(tx, rx, Payload.text("by UDP_CORK"), false);
        var after = s.afterRestore();
        Datagram whole = after.uncork(tx);
        after.receive(rx);

        KernelFeatures.assumeUdpRepair(guest, "UDP_REPAIR_CORK");
        try (var run = UdpRun.start(guest, s)) {
            UdpOutcome out = run.checkpointRestoreAndCompare();
            assertThat(run.savedCork(tx)).contains(Payload.text("corked by UDP_CORK"));
            assertThat(out.later(rx)).containsExactly(whole);
        }
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void corkedByMsgMoreFromSeveralSends(IpFamily family, Guest guest) {
        var s = new UdpScenario();
        var rx = s.socket("rx", family).bind(family.loopback().withPort(7410)).pktinfo();
        var tx = s.socket("tx", family).bind(family.loopback().withPort(7411));
        for (int i = 0; i < 5; i++) {
            s.sendCorked(tx, rx, Payload.generated(100 + i, i), true);
        }
        Payload pending = s.corkedBytes(tx);
        var after = s.afterRestore();
        Datagram whole = after.completeCorked(tx, Payload.text("the end"));
        after.receive(rx);

        KernelFeatures.assumeUdpRepair(guest, "UDP_REPAIR_CORK");
        try (var run = UdpRun.start(guest, s)) {
            UdpOutcome out = run.checkpointRestoreAndCompare();
            assertThat(run.savedCork(tx)).contains(pending);
            assertThat(out.later(rx)).containsExactly(whole);
            assertThat(whole.payload().length()).isEqualTo(5 * 100 + 10 + 7);
        }
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void corkedTowardsADestinationOtherThanTheConnectedPeer(IpFamily family, Guest guest) {
        var s = new UdpScenario();
        var rx = s.socket("rx", family).bind(family.loopback().withPort(7420));
        var peer = s.socket("peer", family).bind(family.loopback().withPort(7421));
        var tx = s.socket("tx", family).bind(family.loopback().withPort(7422)).connect(peer);
        s.sendCorked(tx, rx, Payload.text("not for the peer"), true);
        var after = s.afterRestore();
        Datagram whole = after.completeCorked(tx, Payload.text("!"));
        after.receive(rx);

        KernelFeatures.assumeUdpRepair(guest, "UDP_REPAIR_CORK");
        try (var run = UdpRun.start(guest, s)) {
            UdpOutcome out = run.checkpointRestoreAndCompare();
            assertThat(out.later(rx)).containsExactly(whole);
            assertThat(out.later(peer)).isEmpty();
            assertThat(out.stateAfterRestore(tx).peer()).isEqualTo(peer.bound());
        }
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void corkedWithTtlAndTosFromACmsg(IpFamily family, Guest guest) {
        var s = new UdpScenario();
        var rx = s.socket("rx", family).bind(family.loopback().withPort(7430)).receiveTtl().receiveTos();
        var tx = s.socket("tx", family).bind(family.loopback().withPort(7431));
        s.sendCorked(tx, rx, Payload.text("marked "), true, 9, 0x10);
        s.sendCorked(tx, rx, Payload.text("datagram"), true);
        var after = s.afterRestore();
        Datagram whole = after.completeCorked(tx, Payload.empty());
        after.receive(rx);

        KernelFeatures.assumeUdpRepair(guest, "UDP_REPAIR_CORK");
        try (var run = UdpRun.start(guest, s)) {
            UdpOutcome out = run.checkpointRestoreAndCompare();
            assertThat(out.later(rx)).containsExactly(whole);
            assertThat(out.laterMarks(rx)).containsExactly(new UdpOutcome.Marks(9, 0x10));
        }
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void receiveQueueAndCorkedSendQueueInOneSocket(IpFamily family, Guest guest) {
        var s = new UdpScenario();
        var a = s.socket("a", family).bind(family.loopback().withPort(7440)).pktinfo();
        var b = s.socket("b", family).bind(family.loopback().withPort(7441)).pktinfo();
        s.sendMany(b, a, 30, 48, 5); // a's receive queue
        s.sendCorked(a, b, Payload.text("pending in a"), true); // a's send queue
        var after = s.afterRestore();
        Datagram whole = after.completeCorked(a, Payload.text(", sent after restore"));
        after.receive(b);

        KernelFeatures.assumeUdpRepair(guest, "UDP_REPAIR_CORK");
        try (var run = UdpRun.start(guest, s)) {
            UdpOutcome out = run.checkpointRestoreAndCompare();
            assertThat(out.received(a)).hasSize(30);
            assertThat(run.savedCork(a)).contains(Payload.text("pending in a"));
            assertThat(out.later(b)).containsExactly(whole);
        }
    }

    /**
     * On a kernel without UDP_REPAIR_CORK (a stock kernel) nothing can read a corked datagram, so the dump of a
     * socket holding one, by UDP_CORK or by MSG_MORE, must fail naming it, as stock CRIU's does (review C15), and
     * leave the task as it was: it completes the datagram, and the peer receives exactly the bytes it would have
     * received had no dump been tried.
     */
    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void corkedDatagramOnAStockKernelIsRefusedAndLeftWhole(IpFamily family, Guest guest) {
        KernelFeatures.Probe p = KernelFeatures.assumeNoUdpRepair(guest);
        var s = new UdpScenario();
        var rx = s.socket("rx", family).bind(family.loopback().withPort(7450)).pktinfo();
        var corked = s.socket("corked", family).bind(family.loopback().withPort(7451)).cork();
        var more = s.socket("more", family).bind(family.loopback().withPort(7452));
        s.sendCorked(corked, rx, Payload.text("corked by UDP_CORK"), false);
        s.sendCorked(more, rx, Payload.text("pending by MSG_MORE"), true);
        var after = s.afterRestore();
        Datagram byCork = after.uncork(corked);
        Datagram byMore = after.completeCorked(more, Payload.text(", completed"));
        after.receive(rx);
        after.receive(rx);

        UdpOutcome without;
        try (var run = UdpRun.start(guest, s)) {
            without = run.finish();
        }
        assertThat(without.later(rx)).as("what the peer receives without C/R").containsExactlyInAnyOrder(byCork, byMore);
        try (var run = UdpRun.start(guest, s).mode(CrMode.fromSystemProperties().onceRestored())) {
            CriuResult refused = run.tryCheckpoint();
            assertThat(refused.succeeded()).as("a dump of corked sockets on " + p.release()).isFalse();
            assertThat(refused.errorLines()).as("CRIU's errors")
                    .anyMatch(l -> l.contains("Can't dump corked dgram socket"));
            UdpOutcome out = run.finish();
            assertThat(out.later(rx)).as("what the peer receives once the task completes both datagrams")
                    .containsExactlyInAnyOrder(byCork, byMore);
        }
    }

    /**
     * Without UDP_REPAIR_CORK the write queue can't be read, and its bytes may be the start of a datagram the task
     * is building with MSG_MORE (CRIU patch 48). Under {@code --udp-queues strict} the dump fails naming that, and
     * the task completes its datagram whole; by default the dump goes on as stock CRIU's does, with a warning
     * saying what is lost, and the restored task sends only what it adds after the restore.
     */
    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void datagramBuiltWithMsgMoreOnAStockKernelIsRefusedUnderStrict(IpFamily family, Guest guest) {
        KernelFeatures.Probe p = KernelFeatures.assumeNoUdpRepair(guest);
        var s = new UdpScenario();
        var rx = s.socket("rx", family).bind(family.loopback().withPort(7460)).pktinfo();
        var more = s.socket("more", family).bind(family.loopback().withPort(7461));
        s.sendCorked(more, rx, Payload.text("pending by MSG_MORE"), true);
        var after = s.afterRestore();
        Datagram whole = after.completeCorked(more, Payload.text(", completed"));
        after.receive(rx);
        String named = "a datagram being built with MSG_MORE would lose them";
        CrMode once = CrMode.fromSystemProperties().onceRestored();

        try (var run = UdpRun.start(guest, s).mode(once)) {
            CriuResult refused = run.udpQueues(UdpQueuesMode.STRICT).tryCheckpoint();
            assertThat(refused.succeeded()).as("a strict dump of a MSG_MORE datagram on " + p.release()).isFalse();
            assertThat(refused.errorLines()).as("CRIU's errors").anyMatch(l -> l.contains(named));
            assertThat(run.finish().later(rx)).as("what the peer receives after the refused dump").containsExactly(whole);
        }
        try (var run = UdpRun.start(guest, s).mode(once)) {
            run.checkpoint();
            assertThat(run.lastDump().log()).as("the default dump's log").contains(named);
            run.restore();
            assertThat(run.finish().later(rx)).as("what the peer receives after a default C/R").extracting(Datagram::payload)
                    .containsExactly(Payload.text(", completed"));
        }
    }
}
