package io.zdtmudp.cases;

import static io.zdtmudp.cases.QueuePath.RX_PORT;
import static io.zdtmudp.cases.QueuePath.TX_PORT;
import static io.zdtmudp.cases.QueuePath.pair;
import static io.zdtmudp.harness.net.IpFamily.INET6;
import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.net.Payload;
import io.zdtmudp.harness.udp.UdpOutcome;
import io.zdtmudp.harness.udp.UdpScenario;
import io.zdtmudp.harness.udp.UdpSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a receiver learns of a queued datagram besides its bytes and addresses (TTL, TOS, flow label, arrival
 * time), and what waits in the socket ahead of its queue (a pending ICMP error): kept as it was, or refused by
 * name and never made up. Part of {@link UdpReceiveQueueCases}.
 */
interface QueuedMetadataCases {
    int ECONNREFUSED = 111;

    QueuePath path();

    /**
     * The TTL (hop limit) and TOS (traffic class) each queued datagram arrived with, for a receiver that asked
     * for them before the checkpoint: a run without C/R and a run with it read the same datagrams with the same
     * marks, which are those sent (64 and 0 for a plain send). So the receive options survive too.
     */
    @ParameterizedTest
    @EnumSource(IpFamily.class)
    default void ttlAndTosOfEachQueuedDatagram(IpFamily family, Guest guest) {
        var s = new UdpScenario();
        var rx = s.socket("rx", family).bind(family.loopback().withPort(RX_PORT)).receiveTtl().receiveTos();
        var tx = s.socket("tx", family).bind(family.loopback().withPort(TX_PORT));
        s.send(tx, rx, Payload.text("plain"));
        s.sendMarked(tx, rx, Payload.text("ttl 1, tos 0x04"), 1, 0x04);
        s.sendMarked(tx, rx, Payload.text("ttl 255, tos 0xb8"), 255, 0xb8);
        s.sendMany(tx, rx, 3, 40, 91);
        List<UdpOutcome.Marks> sent = List.of(new UdpOutcome.Marks(64, 0), new UdpOutcome.Marks(1, 0x04),
                new UdpOutcome.Marks(255, 0xb8), new UdpOutcome.Marks(64, 0), new UdpOutcome.Marks(64, 0),
                new UdpOutcome.Marks(64, 0));
        UdpOutcome without = path().withoutCheckpoint(guest, s);
        assertThat(without.received(rx)).containsExactlyElementsOf(s.queueOf(rx));
        assertThat(without.receivedMarks(rx)).as("without C/R").containsExactlyElementsOf(sent);
        assertSameMarksAfterCr(guest, s, rx, without);
    }

    /**
     * The flow label each queued IPv6 datagram arrived with, for a receiver with IPV6_FLOWINFO: two senders'
     * automatic labels (a hash of each flow, the kernel's default), interleaved. A run without C/R reads each
     * datagram with its sender's label; the kernel path gives every one back with it. A raw datagram would
     * carry the raw socket's own label, so the raw path refuses that queue by name under strict, sending
     * nothing, and drops it by default.
     */
    @Test
    default void flowLabelOfEachQueuedIpv6Datagram(Guest guest) {
        var s = new UdpScenario();
        var rx = s.socket("rx", INET6).bind(INET6.loopback().withPort(RX_PORT)).pktinfo().receiveFlowLabels();
        var tx = s.socket("tx", INET6).bind(INET6.loopback().withPort(TX_PORT));
        var other = s.socket("other", INET6).bind(INET6.loopback().withPort(TX_PORT + 1));
        List<Datagram> sent = List.of(s.send(tx, rx, Payload.text("first")), s.send(other, rx, Payload.text("second")),
                s.send(tx, rx, Payload.text("third")));
        if (!path().isKernel()) {
            path().refusedOnTheRawPathThenDropped(guest, s, rx, sent, "the socket reports flow labels (IPV6_FLOWINFO)");
            return;
        }
        UdpOutcome without = path().withoutCheckpoint(guest, s);
        assertThat(without.received(rx)).containsExactlyElementsOf(sent);
        List<Integer> labels = without.receivedMarks(rx).stream().map(UdpOutcome.Marks::flowLabel).toList();
        assertThat(labels).as("the senders' automatic flow labels, without C/R").allSatisfy(l -> assertThat(l).isPositive());
        assertThat(labels.get(0)).as("one sender's two datagrams").isEqualTo(labels.get(2));
        assertSameMarksAfterCr(guest, s, rx, without);
    }

    /**
     * A pending ICMP error (the port unreachable a send to a closed peer brings back) waits in SO_ERROR ahead
     * of the queue, and no path can put it back. Under --udp-queues strict the dump fails, naming it, and the
     * task, still running, reads the error and then its datagram as it would have; by default the dump drops
     * the queue with a warning, unread, and the restored task gets neither.
     */
    @ParameterizedTest
    @EnumSource(IpFamily.class)
    default void pendingIcmpError(IpFamily family, Guest guest) {
        var s = new UdpScenario();
        var rx = s.socket("rx", family).bind(family.loopback().withPort(RX_PORT));
        var gone = s.socket("gone", family).bind(family.loopback().withPort(TX_PORT));
        rx.connect(gone);
        Datagram queued = s.send(gone, rx, Payload.text("queued before the error"));
        s.close(gone);
        s.sendTo(rx, gone.bound(), Payload.text("to a closed port"));
        s.awaitPendingError(rx);
        s.afterRestore().readErrorBeforeDrain(rx);
        String reason = "has a pending error";
        UdpOutcome kept = path().refusedUnderStrict(guest, s, "a socket with a pending error", reason, rx, List.of(queued)).after();
        assertThat(kept.socketError(rx)).as("SO_ERROR after the refused dump").isEqualTo(ECONNREFUSED);
        UdpOutcome restored = path().droppedByDefault(guest, s, reason, rx).after();
        assertThat(restored.socketError(rx)).as("SO_ERROR after the restore").isZero();
    }

    /**
     * A receiver with SO_TIMESTAMPNS reads each datagram with the time it arrived. Neither path can give a restored
     * datagram that time back (each stamps it when it puts it back), so the engine never restores such a queue
     * restamped: under {@code --udp-queues strict} the dump fails naming the option, and the task, still running,
     * reads its datagrams as they were sent, stamped in order before the checkpoint began; by default the queue is
     * dropped with a warning, and the restored socket, SO_TIMESTAMPNS still on, stamps what arrives after the restore.
     */
    @ParameterizedTest
    @EnumSource(IpFamily.class)
    default void arrivalTimesAreNeverMadeUp(IpFamily family, Guest guest) {
        var s = new UdpScenario();
        var p = pair(s, family);
        p[0].receiveTimestamps();
        List<Datagram> sent = List.of(s.send(p[1], p[0], Payload.text("first")), s.send(p[1], p[0], Payload.text("second")));
        s.readClock();
        var after = s.afterRestore();
        Datagram late = after.send(p[1], p[0], Payload.text("after the restore"));
        after.receive(p[0]);
        String reason = "SO_TIMESTAMPNS: arrival times";
        UdpOutcome kept = path().refusedUnderStrict(guest, s, "a queue whose datagrams report arrival times", reason, p[0], sent)
                .after();
        long clock = kept.clockBeforeCheckpoint().orElseThrow();
        assertThat(kept.receivedMarks(p[0])).extracting(UdpOutcome.Marks::arrivalNanos).as("their arrival times")
                .isSorted().allSatisfy(t -> assertThat(t).isPositive().isLessThanOrEqualTo(clock));
        assertThat(kept.later(p[0])).containsExactly(late);
        UdpOutcome restored = path().droppedByDefault(guest, s, reason, p[0]).after();
        assertThat(restored.later(p[0])).containsExactly(late);
        assertThat(restored.laterMarks(p[0])).extracting(UdpOutcome.Marks::arrivalNanos)
                .as("the arrival time of a datagram sent after the restore")
                .allSatisfy(t -> assertThat(t).isGreaterThan(restored.clockBeforeCheckpoint().orElseThrow()));
    }

    /** The scenario through C/R: rx reads its datagrams with the marks {@code without} read them with. */
    private void assertSameMarksAfterCr(Guest guest, UdpScenario s, UdpSocket rx, UdpOutcome without) {
        UdpOutcome with = path().cycle(guest, s);
        assertThat(with.received(rx)).as("after C/R").containsExactlyElementsOf(without.received(rx));
        assertThat(with.receivedMarks(rx)).as("after C/R").containsExactlyElementsOf(without.receivedMarks(rx));
    }
}
