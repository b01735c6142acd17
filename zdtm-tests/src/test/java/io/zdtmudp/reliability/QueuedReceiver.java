package io.zdtmudp.reliability;

import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.net.Payload;
import io.zdtmudp.harness.udp.QueueComparison;
import io.zdtmudp.harness.udp.UdpOutcome;
import io.zdtmudp.harness.udp.UdpRun;
import io.zdtmudp.harness.udp.UdpScenario;
import io.zdtmudp.harness.udp.UdpSocket;

/**
 * The workload the fault cases share: one IPv4 receiver (reporting destinations) on {@code port},
 * holding {@code count} seeded datagrams of {@code length} bytes and then an empty one, all from a
 * sender on {@code port + 1}.
 */
final class QueuedReceiver {
    private final UdpScenario scenario = new UdpScenario();
    private final UdpSocket rx;

    QueuedReceiver(int port, int count, int length, long seed) {
        rx = scenario.socket("rx", IpFamily.INET).bind(IpFamily.INET.loopback().withPort(port)).pktinfo();
        var tx = scenario.socket("tx", IpFamily.INET).bind(IpFamily.INET.loopback().withPort(port + 1));
        scenario.sendMany(tx, rx, count, length, seed);
        scenario.send(tx, rx, Payload.empty());
    }

    /** The receiver. */
    UdpSocket socket() {
        return rx;
    }

    UdpRun start(Guest guest) {
        return UdpRun.start(guest, scenario);
    }

    /** Fails unless the workload drained exactly the queued datagrams, byte for byte. */
    void assertDrainedWhole(String what, UdpOutcome out) {
        QueueComparison.assertSame(what, scenario.queueOf(rx), out.received(rx));
    }
}
