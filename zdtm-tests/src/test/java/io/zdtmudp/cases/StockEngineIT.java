package io.zdtmudp.cases;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.criu.CriuBinary;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.KernelFeatures;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.net.Payload;
import io.zdtmudp.harness.udp.UdpOutcome;
import io.zdtmudp.harness.udp.UdpRun;
import io.zdtmudp.harness.udp.UdpScenario;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Documents what unpatched CRIU 4.2.1 does with a UDP receive queue, side by
 * side with ours: stock logs that it dropped the queue and restores an empty
 * socket; the patched engine restores every datagram.
 */
@ZdtmVm
class StockEngineIT {
    private static UdpScenario queued(IpFamily family) {
        var s = new UdpScenario();
        var rx = s.socket("rx", family).bind(family.loopback().withPort(7200)).pktinfo();
        var tx = s.socket("tx", family).bind(family.loopback().withPort(7201));
        s.sendMany(tx, rx, 64, 100, 42);
        return s;
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void stockCriuDropsTheReceiveQueue(IpFamily family, Guest guest) {
        var s = queued(family);
        var rx = s.sockets().get(0);
        try (var run = UdpRun.start(guest, s, CriuBinary.STOCK)) {
            run.checkpoint();
            assertThat(run.lastDump().log()).contains("Read queue is dropped");
            assertThat(run.images().imageNames()).noneMatch(n -> n.startsWith("udp-queue-"));
            run.restore();
            UdpOutcome out = run.finish();
            assertThat(out.received(rx)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void patchedCriuKeepsTheReceiveQueue(IpFamily family, Guest guest) {
        var s = queued(family);
        var rx = s.sockets().get(0);
        try (var run = UdpRun.start(guest, s, CriuBinary.PATCHED)) {
            UdpOutcome out = run.checkpointRestoreAndCompare();
            assertThat(out.received(rx)).hasSize(64).isEqualTo(s.queueOf(rx));
            assertThat(run.lastDump().log()).doesNotContain("Read queue is dropped");
            // No path forced: the engine probes the kernel. Without UDP repair (a stock kernel) it must
            // have chosen the raw-socket restore on its own.
            if (!KernelFeatures.of(guest).udpRepair()) {
                assertThat(run.lastRestore().log()).contains("through raw");
            }
        }
    }
}
