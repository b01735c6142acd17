package io.zdtmudp.cases;

import static io.zdtmudp.cases.QueuePath.RX_PORT;
import static io.zdtmudp.cases.QueuePath.TX_PORT;
import static io.zdtmudp.harness.net.IpFamily.INET;
import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.Endpoint;
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
 * Queued datagrams the raw path must not send again, because a raw socket could deliver them somewhere else
 * than the socket they were queued on (out of the namespace, to every socket on a port, to another socket
 * sharing the port): it refuses them by name under strict and drops the queue by default, sending nothing.
 * The kernel path puts each into its own socket. Part of {@link UdpReceiveQueueCases}.
 */
interface QueueDestinationCases {
    String GROUP = "239.1.2.3";
    String BROADCAST = "127.255.255.255";

    QueuePath path();

    /**
     * A datagram to a multicast group on lo. A raw socket would send that destination out of the network
     * namespace wherever a route leads: with {@code --udp-queues strict} the raw path refuses the restore by
     * name and sends nothing, not even the unicast datagram queued first; by default the same images then
     * restore with the queue dropped and a warning, as stock CRIU drops it. The kernel path puts both back.
     */
    @Test
    default void multicastDatagram(Guest guest) {
        var s = new UdpScenario().withMulticastOnLoopback();
        var rx = s.socket("rx", INET).joinGroup(GROUP).bind(INET.any().withPort(RX_PORT)).pktinfo();
        var tx = s.socket("tx", INET).multicastOnLoopback().bind(INET.loopback().withPort(TX_PORT));
        List<Datagram> sent = List.of(s.send(tx, rx, Payload.text("unicast, queued first")),
                s.sendToAddress(tx, Endpoint.parse(GROUP, RX_PORT), rx, Payload.text("to the group")));
        onlyLocalDestinationsGoRaw(guest, s, rx, sent, GROUP + " through a raw socket: it is a multicast address here");
    }

    /** The same for a broadcast address: the raw socket would deliver it to every socket on the port. */
    @Test
    default void broadcastDatagram(Guest guest) {
        var s = new UdpScenario();
        var rx = s.socket("rx", INET).bind(INET.any().withPort(RX_PORT)).pktinfo();
        var tx = s.socket("tx", INET).broadcast().bind(INET.loopback().withPort(TX_PORT));
        List<Datagram> sent = List.of(s.send(tx, rx, Payload.text("unicast, queued first")),
                s.sendToAddress(tx, Endpoint.parse(BROADCAST, RX_PORT), rx, Payload.text("to everyone on lo")));
        onlyLocalDestinationsGoRaw(guest, s, rx, sent, BROADCAST + " through a raw socket: it is a broadcast address here");
    }

    /**
     * Another socket on the receiver's port (SO_REUSEADDR), restored before it: a raw datagram to that port
     * could reach either socket, so the raw path refuses by name under strict and drops the queue by default,
     * and the other socket never gets any of it. The kernel path puts the queue into the receiver alone.
     * The receiver is connected to the sender, so before the checkpoint the kernel picks it for every datagram.
     */
    @ParameterizedTest
    @EnumSource(IpFamily.class)
    default void portSharedWithAnotherSocket(IpFamily family, Guest guest) {
        var s = new UdpScenario();
        var other = s.socket("other", family).reuseAddress().bind(family.loopback().withPort(RX_PORT));
        var rx = s.socket("rx", family).reuseAddress().bind(family.loopback().withPort(RX_PORT)).pktinfo();
        var tx = s.socket("tx", family).bind(family.loopback().withPort(TX_PORT));
        rx.connect(tx);
        List<Datagram> sent = s.sendMany(tx, rx, 5, 120, 31);
        if (path().isKernel()) {
            UdpOutcome out = path().cycle(guest, s);
            assertThat(out.received(rx)).containsExactlyElementsOf(sent);
            assertThat(out.received(other)).isEmpty();
            return;
        }
        UdpOutcome out = path().refusedOnTheRawPathThenDropped(guest, s, rx, sent,
                "Can't restore the queue of port " + RX_PORT + " through a raw socket: 2 sockets are bound to that port");
        assertThat(out.received(other)).as("the other socket on the port").isEmpty();
    }

    private void onlyLocalDestinationsGoRaw(Guest guest, UdpScenario s, UdpSocket rx, List<Datagram> sent, String refusal) {
        if (path().isKernel()) {
            assertThat(path().cycle(guest, s).received(rx)).containsExactlyElementsOf(sent);
            return;
        }
        path().refusedOnTheRawPathThenDropped(guest, s, rx, sent, "Can't restore queued datagram #1 to " + refusal);
    }
}
