package io.zdtmudp.servers;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.guest.PeerNamespace;
import io.zdtmudp.harness.images.UdpQueueImage;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.Endpoint;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.net.Payload;
import io.zdtmudp.harness.udp.QueueComparison;
import io.zdtmudp.harness.udp.QueueInjection;
import io.zdtmudp.harness.udp.UdpScenario;
import io.zdtmudp.harness.udp.UdpSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * socat, as Debian ships it, as a one-way UDP relay, checkpointed with datagrams queued on its receiving
 * socket: after the restore it forwards each of them, whole and in order, from its own sending socket,
 * exactly as it does without a checkpoint. Message boundaries are socat's own: one read, one datagram out.
 */
@ZdtmVm
class SocatRelayIT {
    private static final String SOCAT = "/usr/bin/socat";
    private static final int RELAY_PORT = 7100;
    private static final int TARGET_PORT = 7101;
    private static final int CLIENT_PORT = 7102;
    private static final int RELAY_SOURCE_PORT = 7103;
    private static final int DATAGRAMS = 24;

    static Stream<Arguments> familiesAndPaths() {
        return Stream.of(IpFamily.values()).flatMap(f -> Stream.of(QueueInjection.KERNEL, QueueInjection.RAW)
                .map(p -> Arguments.of(f, p)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("familiesAndPaths")
    void forwardsEveryDatagramQueuedAtTheCheckpoint(IpFamily family, QueueInjection path, Guest guest) {
        try (PeerNamespace peer = PeerNamespace.create(guest, "zrelay")) {
            Endpoint relayAt = peer.local(family).withPort(RELAY_PORT);
            Endpoint relayFrom = peer.local(family).withPort(RELAY_SOURCE_PORT);
            Endpoint clientAt = peer.remote(family).withPort(CLIENT_PORT);
            Endpoint targetAt = peer.remote(family).withPort(TARGET_PORT);
            var relay = new HeldServer(guest, "socat", RELAY_PORT, SOCAT, "-u",
                    "UDP" + family.scriptName() + "-RECV:" + RELAY_PORT,
                    "UDP" + family.scriptName() + "-SENDTO:" + socat(targetAt) + ",bind=" + socat(relayFrom));
            List<Payload> payloads = new ArrayList<>();
            for (int i = 0; i < DATAGRAMS; i++) {
                // lengths from 1 byte to a full Ethernet frame's payload and back, none empty (socat reads
                // an empty datagram as the end of its input)
                payloads.add(Payload.generated(1 + (i * 347) % 1400, 900 + i));
            }

            var plain = relay.withoutCheckpoint(client(peer, family, clientAt, targetAt, relayAt, payloads));
            var cr = relay.withCheckpoint(client(peer, family, clientAt, targetAt, relayAt, payloads), path);

            QueueComparison.assertSame("socat's queue in the dump",
                    payloads.stream().map(p -> new Datagram(clientAt, relayAt, p)).toList(),
                    UdpQueueImage.queuedOn(cr.images().orElseThrow(), family, RELAY_PORT));
            QueueComparison.assertSame("relayed after the restore, against the run without one", plain.replies(),
                    cr.replies());
            assertThat(cr.replies()).as("relayed after the restore")
                    .containsExactlyElementsOf(payloads.stream().map(p -> new Datagram(relayFrom, null, p)).toList());
        }
    }

    /** socat's address syntax: IPv6 literals in brackets. */
    private static String socat(Endpoint e) {
        return (e.family() == IpFamily.INET6 ? "[" + e.host() + "]" : e.host()) + ":" + e.port();
    }

    /** A udpq client in the peer namespace: one socket sends to the relay, another awaits what it forwards. */
    private static HeldServer.Request client(PeerNamespace peer, IpFamily family, Endpoint clientAt,
            Endpoint targetAt, Endpoint relayAt, List<Payload> payloads) {
        var s = new UdpScenario().inNamespace(peer.name());
        UdpSocket tx = s.socket("tx", family).bind(clientAt);
        UdpSocket rx = s.socket("rx", family).bind(targetAt);
        for (Payload p : payloads) {
            s.sendTo(tx, relayAt, p);
        }
        s.afterRestore().awaitDatagrams(rx, payloads.size());
        return new HeldServer.Request(s, rx);
    }
}
