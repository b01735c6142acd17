package io.zdtmudp.servers;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.cycle.CrMode;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.guest.PeerNamespace;
import io.zdtmudp.harness.images.UdpQueueImage;
import io.zdtmudp.harness.junit.KernelFeatures;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.Endpoint;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.net.Payload;
import io.zdtmudp.harness.udp.QueueComparison;
import io.zdtmudp.harness.udp.QueueInjection;
import io.zdtmudp.harness.udp.UdpScenario;
import io.zdtmudp.harness.udp.UdpSocket;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * dnsmasq, as Debian ships it, checkpointed with DNS queries queued in its socket: after the restore it
 * answers each of them, and the answers are the bytes, from the address, that it sends without a
 * checkpoint. dnsmasq reads each query with IP_PKTINFO/IPV6_RECVPKTINFO and answers only queries that
 * arrived on an interface it serves from a host on that interface's subnet, so a queue restored with the
 * wrong interface or addresses shows as a missing answer.
 */
@ZdtmVm
class DnsmasqIT {
    private static final String DNSMASQ = "/usr/sbin/dnsmasq";
    private static final int PORT = 53;
    private static final int CLIENT_PORT = 40053;
    private static final int QUERIES = 12;
    private static final int FIRST_ID = 0x5a00;

    /** Our kernel's UDP_REPAIR_QUEUE puts each query back with the interface and addresses it arrived with. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(IpFamily.class)
    void answersEveryQueryQueuedAtTheCheckpoint(IpFamily family, Guest guest) throws UnknownHostException {
        KernelFeatures.assumeUdpRepair(guest, "UDP_REPAIR_QUEUE");
        try (PeerNamespace peer = PeerNamespace.create(guest, "zdns")) {
            var at = new Addresses(peer, family);
            var server = new HeldServer(guest, "dnsmasq", PORT, dnsmasq());

            var plain = server.withoutCheckpoint(client(peer, at, false));
            var cr = server.withCheckpoint(client(peer, at, false), QueueInjection.KERNEL);

            QueueComparison.assertSame("dnsmasq's queue in the dump", at.queued(),
                    UdpQueueImage.queuedOn(cr.images().orElseThrow(), family, PORT));
            QueueComparison.assertSame("answers after the restore, against the run without one", plain.replies(),
                    cr.replies());
            for (int i = 0; i < QUERIES; i++) {
                assertAnswer(cr.replies().get(i), at.server, FIRST_ID + i, i);
            }
        }
    }

    /**
     * The stock-kernel path re-injects over the loopback, where dnsmasq would see every query arrive on lo
     * and ignore it: the engine refuses that queue by name and drops it (the default of {@code --udp-queues}),
     * and the restored dnsmasq answers the next query.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(IpFamily.class)
    void theRawPathRefusesByNameQueriesThatArrivedOnAnotherInterface(IpFamily family, Guest guest)
            throws UnknownHostException {
        try (PeerNamespace peer = PeerNamespace.create(guest, "zdns")) {
            var at = new Addresses(peer, family);
            var server = new HeldServer(guest, "dnsmasq", PORT, dnsmasq());

            var request = client(peer, at, true);
            // the refusal is checked on the C/R that makes it
            var cr = server.withCheckpoint(request, QueueInjection.RAW, CrMode.fromSystemProperties().onceRestored());

            QueueComparison.assertSame("dnsmasq's queue in the dump", at.queued(),
                    UdpQueueImage.queuedOn(cr.images().orElseThrow(), family, PORT));
            assertThat(cr.restore().orElseThrow().log()).as("the restore's log")
                    .contains("Can't restore the queue of port " + PORT + " through a raw socket: datagram #0 arrived on interface")
                    .contains("the socket reports the arrival interface")
                    .containsPattern("Read queue of socket 0x[0-9a-f]+ is dropped: its " + QUERIES + " datagrams");
            assertThat(cr.queuedAtResume()).as("anything left in dnsmasq's queue after the restore").isFalse();
            assertThat(cr.replies()).as("answers to the dropped queries").isEmpty();
            var late = cr.client().later(request.replies());
            assertThat(late).as("the answer to a query sent after the restore").hasSize(1);
            assertAnswer(late.get(0), at.server, FIRST_ID + QUERIES, QUERIES);
        }
    }

    /** The two ends and the queries, one family. */
    private static final class Addresses {
        final Endpoint server;
        final Endpoint client;
        final List<byte[]> queries = new ArrayList<>();

        Addresses(PeerNamespace peer, IpFamily family) {
            server = peer.local(family).withPort(PORT);
            client = peer.remote(family).withPort(CLIENT_PORT);
            for (int i = 0; i < QUERIES; i++) {
                queries.add(query(i));
            }
        }

        List<Datagram> queued() {
            return queries.stream().map(q -> new Datagram(client, server, Payload.of(q))).toList();
        }
    }

    private static byte[] query(int i) {
        return DnsMessage.query(FIRST_ID + i, name(i), type(i));
    }

    private static int type(int i) {
        return i % 2 == 0 ? DnsMessage.TYPE_A : DnsMessage.TYPE_AAAA;
    }

    /** Answer {@code i}: from the server's address, with the query's id and name, one record with its address. */
    private static void assertAnswer(Datagram d, Endpoint server, int id, int i) throws UnknownHostException {
        assertThat(d.source()).as("answer %d's source", i).isEqualTo(server);
        var r = DnsMessage.parse(d.payload().bytes());
        assertThat(r.id()).as("answer %d's id (answers come in query order)", i).isEqualTo(id);
        assertThat(r.isResponse()).as("answer %d is a response", i).isTrue();
        assertThat(r.rcode()).as("answer %d's rcode", i).isZero();
        assertThat(r.question()).as("answer %d's question", i).isEqualTo(name(i));
        assertThat(r.answers()).as("answer %d's records", i).hasSize(1);
        var rec = r.answers().get(0);
        assertThat(rec.type()).as("answer %d's record type", i).isEqualTo(type(i));
        assertThat(rec.ttl()).as("answer %d's TTL", i).isEqualTo(300);
        assertThat(InetAddress.getByAddress(rec.data())).as("answer %d's address", i).isEqualTo(address(name(i), type(i)));
    }

    /**
     * A udpq client in the peer namespace: one socket that sends the queries, then awaits as many answers;
     * or, when {@code oneMore}, sends one query more after the restore and awaits its answer alone.
     */
    private static HeldServer.Request client(PeerNamespace peer, Addresses at, boolean oneMore) {
        var s = new UdpScenario().inNamespace(peer.name());
        UdpSocket c = s.socket("c", at.server.family()).bind(at.client);
        for (byte[] q : at.queries) {
            s.sendTo(c, at.server, Payload.of(q));
        }
        if (oneMore) {
            s.afterRestore().sendTo(c, at.server, Payload.of(query(QUERIES)));
            s.afterRestore().receive(c);
        } else {
            s.afterRestore().awaitDatagrams(c, at.queries.size());
        }
        return new HeldServer.Request(s, c);
    }

    private static String name(int i) {
        return "h" + i + ".svc.test";
    }

    /** The address dnsmasq's {@code --host-record} gives {@code name} for {@code type}. */
    private static InetAddress address(String name, int type) throws UnknownHostException {
        int i = Integer.parseInt(name.substring(1, name.indexOf('.')));
        return InetAddress.getByName(type == DnsMessage.TYPE_A ? "10.200.0." + (i + 1) : "fd00:200::" + (i + 1));
    }

    /** In the foreground, as root, with no configuration but the host records, no upstream and no cache. */
    private static String[] dnsmasq() throws UnknownHostException {
        List<String> a = new ArrayList<>(List.of(DNSMASQ, "--keep-in-foreground", "--user=root", "--group=root",
                "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--pid-file=", "--log-facility=-",
                "--log-queries", "--cache-size=0", "--local-ttl=300", "--port=" + PORT));
        for (int i = 0; i <= QUERIES; i++) {
            a.add("--host-record=" + name(i) + "," + address(name(i), DnsMessage.TYPE_A).getHostAddress() + ","
                    + address(name(i), DnsMessage.TYPE_AAAA).getHostAddress());
        }
        return a.toArray(String[]::new);
    }
}
