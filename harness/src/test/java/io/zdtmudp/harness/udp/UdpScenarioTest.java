package io.zdtmudp.harness.udp;

import static io.zdtmudp.harness.net.IpFamily.INET;
import static io.zdtmudp.harness.net.IpFamily.INET6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.Endpoint;
import io.zdtmudp.harness.net.Payload;
import org.junit.jupiter.api.Test;

class UdpScenarioTest {
    @Test
    void rendersSocketsWithTheirFinalOptions() {
        var s = new UdpScenario();
        var rx = s.socket("rx", INET).bind("127.0.0.1", 7000);
        var tx = s.socket("tx", INET).bind("127.0.0.2", 7001);
        rx.pktinfo().peekOffset(0);
        s.send(tx, rx, Payload.text("hi"));
        s.close(tx);

        assertThat(s.script()).isEqualTo("""
                sock rx 4 udp pktinfo=1 peekoff=0 bind=127.0.0.1,7000
                sock tx 4 udp bind=127.0.0.2,7001
                send tx rx hex:6869
                close tx
                state rx
                after
                state rx
                drain rx
                """);
    }

    @Test
    void aMarkedSendCarriesItsTtlAndTosAsCmsgsAndQueuesLikeAPlainOne() {
        var s = new UdpScenario();
        var rx = s.socket("rx", INET6).bind("::1", 7000).receiveTtl().receiveTos();
        var tx = s.socket("tx", INET6).bind("::1", 7001);
        var d = s.sendMarked(tx, rx, Payload.text("x"), 3, 0x28);
        assertThat(s.script()).contains("sendto tx ::1,7000 hex:78 ttl=3 tos=40\n");
        assertThat(s.queueOf(rx)).containsExactly(d);
        assertThatThrownBy(() -> s.sendMarked(tx, rx, Payload.empty(), 256, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void waitsForAPendingErrorBeforeTheCheckpointAndReadsItBeforeTheDrain() {
        var s = new UdpScenario();
        var rx = s.socket("rx", INET).bind("127.0.0.1", 7000);
        s.awaitPendingError(rx);
        s.afterRestore().readErrorBeforeDrain(rx);
        String script = s.script();
        assertThat(script).contains("waiterr rx\n");
        assertThat(script.indexOf("waiterr rx")).isLessThan(script.indexOf("after\n"));
        assertThat(script.indexOf("error rx\n", script.indexOf("after\n"))).isLessThan(script.indexOf("drain rx"));
    }

    @Test
    void expectsTheSourceAndDestinationTheReceiverSees() {
        var s = new UdpScenario();
        var rx = s.socket("rx", INET).bind("127.0.0.1", 7000).pktinfo();
        var tx = s.socket("tx", INET).bind("127.0.0.2", 7001);
        var d = s.send(tx, rx, Payload.text("x"));
        assertThat(d.source()).isEqualTo(Endpoint.parse("127.0.0.2", 7001));
        assertThat(d.destination()).contains(Endpoint.parse("127.0.0.1", 0));
        assertThat(s.queueOf(rx)).containsExactly(d);
        assertThat(s.queueOf(tx)).isEmpty();
    }

    @Test
    void dualStackReceiverSeesMappedAddresses() {
        var s = new UdpScenario();
        var rx = s.socket("rx", INET6).bind("::", 7000).v6only(false).pktinfo();
        var tx = s.socket("tx", INET).bind("127.0.0.3", 7001);
        var d = s.send(tx, rx, Payload.empty());
        assertThat(d.source()).isEqualTo(Endpoint.parse("::ffff:127.0.0.3", 7001));
        assertThat(d.destination()).contains(Endpoint.parse("::ffff:127.0.0.1", 0));
    }

    @Test
    void wildcardSenderOnIpv4ComesFromLoopback() {
        var s = new UdpScenario();
        var rx = s.socket("rx", INET).bind("127.0.0.9", 7000);
        var tx = s.socket("tx", INET).bind("0.0.0.0", 7001);
        assertThat(s.send(tx, rx, Payload.empty()).source()).isEqualTo(Endpoint.parse("127.0.0.1", 7001));
    }

    @Test
    void senderNeedsAFixedPort() {
        var s = new UdpScenario();
        var rx = s.socket("rx", INET).bind("127.0.0.1", 7000);
        var tx = s.socket("tx", INET);
        assertThatThrownBy(() -> s.send(tx, rx, Payload.empty()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("fixed port");
    }

    @Test
    void manyDatagramsTravelAsOneLine() {
        var s = new UdpScenario();
        var rx = s.socket("rx", INET6).bind("::1", 7000);
        var tx = s.socket("tx", INET6).bind("::1", 7001);
        var sent = s.sendMany(tx, rx, 3, 16, 100);
        assertThat(sent).extracting(Datagram::payload)
                .containsExactly(Payload.generated(16, 100), Payload.generated(16, 101), Payload.generated(16, 102));
        assertThat(s.script()).contains("sendn tx rx 3 16 100\n");
    }

    @Test
    void rejectsDuplicateNames() {
        var s = new UdpScenario();
        s.socket("a", INET);
        assertThatThrownBy(() -> s.socket("a", INET)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGroupDatagramIsExpectedWithTheGroupAsItsDestination() {
        var s = new UdpScenario().withMulticastOnLoopback();
        var rx = s.socket("rx", INET).joinGroup("239.1.2.3").bind("0.0.0.0", 7000).pktinfo();
        var tx = s.socket("tx", INET).multicastOnLoopback().bind("127.0.0.1", 7001);
        var d = s.sendToAddress(tx, Endpoint.parse("239.1.2.3", 7000), rx, Payload.text("g"));
        assertThat(d.source()).isEqualTo(Endpoint.parse("127.0.0.1", 7001));
        assertThat(d.destination()).hasValue(Endpoint.parse("239.1.2.3", 0));
        assertThat(s.queueOf(rx)).containsExactly(d);
        assertThat(s.multicastOnLoopback()).isTrue();
        assertThat(s.script()).contains("sock rx 4 udp join=239.1.2.3 pktinfo=1 bind=0.0.0.0,7000\n")
                .contains("sock tx 4 udp mcastlo=1 bind=127.0.0.1,7001\n").contains("sendto tx 239.1.2.3,7000 ");
    }

    @Test
    void aGroupOfTheWrongFamilyOrAUnicastAddressIsNoGroup() {
        var s = new UdpScenario();
        var rx = s.socket("rx", INET);
        assertThatThrownBy(() -> rx.joinGroup("ff02::1")).hasMessageContaining("not a INET multicast group");
        assertThatThrownBy(() -> rx.joinGroup("127.0.0.1")).hasMessageContaining("127.0.0.1 is not a INET multicast group");
        var bound = s.socket("b", INET).bind("127.0.0.5", 7000);
        var tx = s.socket("tx", INET).bind("127.0.0.1", 7001);
        assertThatThrownBy(() -> s.sendToAddress(tx, Endpoint.parse("127.255.255.255", 7000), bound, Payload.empty()))
                .hasMessageContaining("gets nothing sent to");
    }
}
