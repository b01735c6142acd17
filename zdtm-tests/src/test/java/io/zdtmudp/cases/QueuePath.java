package io.zdtmudp.cases;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.criu.CriuResult;
import io.zdtmudp.harness.cycle.CrMode;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.KernelFeatures;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.udp.QueueComparison;
import io.zdtmudp.harness.udp.QueueInjection;
import io.zdtmudp.harness.udp.QueueReadout;
import io.zdtmudp.harness.udp.UdpOutcome;
import io.zdtmudp.harness.udp.UdpQueuesMode;
import io.zdtmudp.harness.udp.UdpRun;
import io.zdtmudp.harness.udp.UdpScenario;
import io.zdtmudp.harness.udp.UdpSocket;
import java.util.List;

/**
 * One of the engine's two ways of saving and putting back a receive queue, and how a receive-queue case runs
 * through it: every case of {@link UdpReceiveQueueCases} goes through a {@code QueuePath}, so the case says only
 * what the application does and observes.
 */
final class QueuePath {
    static final int RX_PORT = 7000;
    static final int TX_PORT = 7001;

    /** The run's mode for a case that checks the C/R refusing or dropping its queue. */
    private static final CrMode ONCE = CrMode.fromSystemProperties().onceRestored();

    private final QueueInjection injection;

    QueuePath(QueueInjection injection) {
        this.injection = injection;
    }

    /** Our kernel's path: the one-pass read-out on dump, UDP_REPAIR_QUEUE on restore. */
    boolean isKernel() {
        return injection == QueueInjection.KERNEL;
    }

    /** A receiver with packet info and one sender, both on the family's loopback. */
    static UdpSocket[] pair(UdpScenario s, IpFamily family) {
        var rx = s.socket("rx", family).bind(family.loopback().withPort(RX_PORT)).pktinfo();
        var tx = s.socket("tx", family).bind(family.loopback().withPort(TX_PORT));
        return new UdpSocket[] {rx, tx};
    }

    UdpRun start(Guest guest, UdpScenario s) {
        // On a stock kernel (probed in the guest) only RAW can run: KERNEL needs the series.
        if (isKernel()) {
            KernelFeatures.assumeUdpRepair(guest, "UDP_REPAIR_QUEUE");
        }
        // RAW is the whole stock-kernel path: peek on dump as well as raw sockets on restore; KERNEL uses
        // both halves of our kernel series (one-pass read-out, UDP_REPAIR_QUEUE).
        return UdpRun.start(guest, s).injectWith(injection)
                .readWith(injection == QueueInjection.RAW ? QueueReadout.PEEK : QueueReadout.AUTO);
    }

    /** The scenario checkpointed and restored through this path, compared with what was sent. */
    UdpOutcome cycle(Guest guest, UdpScenario s) {
        try (var run = start(guest, s)) {
            UdpOutcome out = run.checkpointRestoreAndCompare();
            assertDumpedBy(run);
            assertRestoredThrough(run);
            return out;
        }
    }

    /** The same scenario run without C/R: what the application observes when nobody checkpoints it. */
    UdpOutcome withoutCheckpoint(Guest guest, UdpScenario s) {
        try (var run = start(guest, s)) {
            return run.finish();
        }
    }

    /** Every queue the engine dumped was read the way this path asks: peek for RAW, read-out for KERNEL. */
    private void assertDumpedBy(UdpRun run) {
        String path = isKernel() ? "(read-out)" : "(peek)";
        List<String> dumped = run.lastDump().log().lines().filter(l -> l.contains("udp: Dumped ")).toList();
        assertThat(dumped).as("the engine's udp: Dumped lines").isNotEmpty().allSatisfy(l -> assertThat(l).endsWith(path));
    }

    /** The engine logs which path put a non-empty queue back: prove it was the one asked for. */
    private void assertRestoredThrough(UdpRun run) {
        String log = run.lastRestore().log();
        if (log.contains("Restored ") && log.contains(" datagrams (")) {
            assertThat(log).contains("through " + injection.pathName());
        }
    }

    /** One dump and what the application observed after it. */
    record Checkpointed(CriuResult dump, UdpOutcome after) {
    }

    /**
     * A queue the dump must refuse, not change: a strict dump of {@code s} fails with {@code reason} in CRIU's
     * errors, and the task, still running, reads {@code queued} on {@code rx} as if no dump had been tried.
     */
    Checkpointed refusedUnderStrict(Guest guest, UdpScenario s, String what, String reason, UdpSocket rx,
            List<Datagram> queued) {
        try (var run = start(guest, s).mode(ONCE)) {
            CriuResult refused = run.udpQueues(UdpQueuesMode.STRICT).tryCheckpoint();
            assertThat(refused.succeeded()).as("a strict dump of " + what).isFalse();
            assertThat(refused.errorLines()).as("CRIU's errors").anyMatch(l -> l.contains(reason));
            UdpOutcome out = run.finish();
            QueueComparison.assertSame("the queue after the refused dump", queued, out.received(rx));
            return new Checkpointed(refused, out);
        }
    }

    /**
     * The same queue under the default: the dump names {@code reason} and drops the queue with a warning, the
     * restore completes, and the application reads nothing of it on {@code rx}.
     */
    Checkpointed droppedByDefault(Guest guest, UdpScenario s, String reason, UdpSocket rx) {
        try (var run = start(guest, s).mode(ONCE)) {
            run.checkpoint();
            CriuResult dump = run.lastDump();
            assertThat(dump.log()).as("the default dump's log").contains(reason).contains("Read queue is dropped for socket");
            run.restore();
            UdpOutcome out = run.finish();
            assertThat(out.received(rx)).as("what the application reads after a dropped queue").isEmpty();
            return new Checkpointed(dump, out);
        }
    }

    /**
     * The raw path on a queue it must not put back: the image holds {@code sent}; under strict the restore is
     * refused with {@code refusal} in CRIU's errors and no UDP datagram arrives; by default the same images
     * restore with rx's queue dropped, still sending nothing, and the application reads nothing on rx.
     */
    UdpOutcome refusedOnTheRawPathThenDropped(Guest guest, UdpScenario s, UdpSocket rx, List<Datagram> sent,
            String refusal) {
        try (var run = start(guest, s).mode(ONCE)) {
            run.checkpoint();
            QueueComparison.assertSame("queue in the image", sent, run.savedQueue(rx));
            long arrivedBefore = udpArrivals(guest);
            CriuResult strict = run.udpQueues(UdpQueuesMode.STRICT).tryRestore();
            assertThat(strict.succeeded()).as("a strict raw restore of a queue it must not put back").isFalse();
            assertThat(strict.errorLines()).as("CRIU's errors").anyMatch(l -> l.contains(refusal));
            assertThat(udpArrivals(guest)).as("UDP datagrams that arrived during the refused restore").isEqualTo(arrivedBefore);

            CriuResult lenient = run.udpQueues(UdpQueuesMode.RESTORE).restore();
            assertThat(lenient.log()).as("the default restore's log").contains("Read queue of socket")
                    .contains("is dropped: its " + sent.size() + " datagrams can't be restored as they were");
            assertThat(udpArrivals(guest)).as("UDP datagrams that arrived during the default restore").isEqualTo(arrivedBefore);
            UdpOutcome out = run.finish();
            assertThat(out.received(rx)).as("what the application reads after a dropped queue").isEmpty();
            return out;
        }
    }

    /**
     * Every UDP datagram that arrived in the test's network namespace, delivered or not (/proc/net/snmp is
     * the reader's namespace): InDatagrams + NoPorts + InErrors. lo's own packet counter would also count the
     * IGMP reports a closed group member sends on its own schedule.
     */
    private static long udpArrivals(Guest guest) {
        String[] lines = guest.exec("cat", "/proc/net/snmp").stdout().split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("Udp:") && lines[i + 1].startsWith("Udp:")) {
                List<String> names = List.of(lines[i].strip().split("\\s+"));
                String[] values = lines[i + 1].strip().split("\\s+");
                return Long.parseLong(values[names.indexOf("InDatagrams")]) + Long.parseLong(values[names.indexOf("NoPorts")])
                        + Long.parseLong(values[names.indexOf("InErrors")]);
            }
        }
        throw new AssertionError("no Udp: lines in /proc/net/snmp:\n" + String.join("\n", lines));
    }
}
