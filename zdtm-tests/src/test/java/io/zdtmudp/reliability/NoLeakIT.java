package io.zdtmudp.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.AloneInGuest;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.udp.QueueComparison;
import io.zdtmudp.harness.udp.QueueInjection;
import io.zdtmudp.harness.udp.UdpOutcome;
import io.zdtmudp.harness.udp.UdpRun;
import io.zdtmudp.harness.udp.UdpScenario;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Re-injecting a queue sends nothing out of the host and leaves no socket
 * behind. The test netns gets a veth whose peer sits in a second netns and
 * carries the default route, so a datagram the engine let out would be
 * counted by the peer.
 */
@ZdtmVm
@AloneInGuest("100 datagrams over loopback and the raw re-injection path: ordered only in a quiet guest")
class NoLeakIT {
    private static final String IP = Guest.IP;
    private static final String DEV = "lk0";
    private static final String PEER_DEV = "lk1";

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = QueueInjection.class, names = {"RAW", "KERNEL"})
    void restoringAQueueSendsNothingOnTheWireAndLeavesNoSocket(QueueInjection injection, Guest guest) {
        String peerNs = "zpeer" + guest.id();
        addVethToPeer(guest, peerNs);
        try {
            var s = new UdpScenario();
            var rx = s.socket("rx", IpFamily.INET).bind(IpFamily.INET.loopback().withPort(7500)).pktinfo();
            var tx = s.socket("tx", IpFamily.INET).bind(IpFamily.INET.loopback().withPort(7501));
            s.sendMany(tx, rx, 100, 300, 5);
            try (UdpRun run = UdpRun.start(guest, s).injectWith(injection)) {
                int socketsBefore = GuestChecks.socketFds(guest, run.pid());
                run.checkpoint();
                long before = peerRxPackets(guest, peerNs);
                run.restore();
                int socketsAfter = GuestChecks.socketFds(guest, run.pid());
                long after = peerRxPackets(guest, peerNs);
                System.out.println("no leak (" + injection + "): peer rx_packets " + before + " -> " + after
                        + ", socket fds " + socketsBefore + " -> " + socketsAfter);
                assertThat(after - before).as("packets the peer netns received during the restore").isZero();
                assertThat(socketsAfter).as("socket fds of the restored task").isEqualTo(socketsBefore);
                UdpOutcome out = run.finish();
                QueueComparison.assertSame("queue after restore", s.queueOf(rx), out.received(rx));
            }
            assertCounterSeesTraffic(guest, peerNs);
        } finally {
            guest.exec(IP, "netns", "del", peerNs);
        }
    }

    /** veth lk0 (test netns, default route) to lk1 (peer netns); IPv6 off so no RS/DAD/MLD noise counts. */
    private static void addVethToPeer(Guest guest, String peerNs) {
        guest.run(IP, "netns", "add", peerNs);
        guest.run(IP, "link", "add", DEV, "type", "veth", "peer", "name", PEER_DEV, "netns", peerNs);
        guest.run("sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/" + DEV + "/disable_ipv6");
        guest.run(IP, "-n", peerNs, "link", "set", PEER_DEV, "up");
        guest.run(IP, "-n", peerNs, "addr", "add", "192.0.2.2/24", "dev", PEER_DEV);
        guest.run(IP, "addr", "add", "192.0.2.1/24", "dev", DEV);
        guest.run(IP, "link", "set", DEV, "up");
        guest.run(IP, "link", "set", "lo", "up");
        guest.run(IP, "route", "add", "default", "via", "192.0.2.2", "dev", DEV);
    }

    private static long peerRxPackets(Guest guest, String peerNs) {
        var r = guest.run(IP, "netns", "exec", peerNs, "cat", "/sys/class/net/" + PEER_DEV + "/statistics/rx_packets");
        return Long.parseLong(r.stdout().strip());
    }

    /** The counter is live: one ping over the veth moves it, so a zero delta above means something. */
    private static void assertCounterSeesTraffic(Guest guest, String peerNs) {
        long before = peerRxPackets(guest, peerNs);
        guest.exec("ping", "-c", "1", "-W", "2", "192.0.2.2");
        assertThat(peerRxPackets(guest, peerNs)).as("peer rx_packets after one ping").isGreaterThan(before);
    }
}
