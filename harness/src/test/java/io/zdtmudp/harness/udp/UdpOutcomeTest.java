package io.zdtmudp.harness.udp;

import static io.zdtmudp.harness.net.IpFamily.INET;
import static io.zdtmudp.harness.net.IpFamily.INET6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.Endpoint;
import io.zdtmudp.harness.net.Payload;
import org.junit.jupiter.api.Test;

class UdpOutcomeTest {
    // A result file as udpq writes it (see the header comment in udpq.c).
    private static final String RESULT = """
            local rx 127.0.0.1 7000
            local rx6 :: 7002
            state rx peekoff=-1 rcvbuf=212992 local=127.0.0.1,7000 peer=-
            peek rx 127.0.0.2 7001 127.0.0.1 5 68656c6c6f
            after
            state rx peekoff=0 rcvbuf=212992 local=127.0.0.1,7000 peer=127.0.0.2,7001
            recv rx 127.0.0.2 7001 127.0.0.1 5 68656c6c6f
            recv rx 127.0.0.2 7001 127.0.0.1 0 -
            empty rx
            recv rx6 ::ffff:127.0.0.2 7001 ::ffff:127.0.0.1 1 aa
            empty rx6
            recv rx 127.0.0.3 9 - 1 bb
            done
            """;

    @Test
    void keepsTheTtlAndTosOfEachDrainedDatagramInOrder() {
        var s = new UdpScenario();
        var rx = s.socket("rx", INET);
        var o = UdpOutcome.parse("""
                after
                recv rx 127.0.0.2 7001 - 1 aa ttl=64 tos=0
                recv rx 127.0.0.2 7001 - 1 bb ttl=3 tos=40
                recv rx 127.0.0.2 7001 - 1 cc
                empty rx
                recv rx 127.0.0.2 7001 - 1 dd ttl=9
                done
                """);
        assertThat(o.receivedMarks(rx)).containsExactly(new UdpOutcome.Marks(64, 0), new UdpOutcome.Marks(3, 40),
                new UdpOutcome.Marks(-1, -1));
        assertThat(o.laterMarks(rx)).containsExactly(new UdpOutcome.Marks(9, -1));
    }

    @Test
    void readsArrivalTimesAndTheClockReadBeforeTheCheckpoint() {
        var s = new UdpScenario();
        var rx = s.socket("rx", INET);
        var o = UdpOutcome.parse("""
                clock 1796313143.691747244
                after
                clock 1796313150.000000001
                recv rx 127.0.0.2 7001 - 1 aa at=1796313143.691628359
                recv rx 127.0.0.2 7001 - 1 bb ttl=64 at=0.000000007
                empty rx
                done
                """);
        assertThat(o.clockBeforeCheckpoint()).hasValue(1_796_313_143_691_747_244L);
        assertThat(o.receivedMarks(rx)).containsExactly(new UdpOutcome.Marks(-1, -1, 1_796_313_143_691_628_359L),
                new UdpOutcome.Marks(64, -1, 7));
        assertThatThrownBy(() -> UdpOutcome.parse("after\nrecv rx 127.0.0.2 7001 - 1 aa at=12.5\n"))
                .hasMessageContaining("not SEC.NSEC");
        assertThat(UdpOutcome.parse("after\ndone\n").clockBeforeCheckpoint()).isEmpty();
    }

    @Test
    void readsEachDatagramsFlowLabelAndOnlyIpv6SocketsAskForThem() {
        var s = new UdpScenario();
        var rx = s.socket("rx", INET6).receiveFlowLabels();
        var o = UdpOutcome.parse("""
                after
                recv rx ::1 7001 - 1 aa flow=74565
                recv rx ::1 7001 - 1 bb tos=8
                done
                """);
        assertThat(o.receivedMarks(rx)).containsExactly(new UdpOutcome.Marks(-1, -1, -1, 0x12345),
                new UdpOutcome.Marks(-1, 8, -1, -1));
        assertThatThrownBy(() -> s.socket("v4", INET).receiveFlowLabels()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("IPV6_FLOWINFO");
    }

    @Test
    void readsTheSocketErrorTheCaseAskedFor() {
        var s = new UdpScenario();
        var rx = s.socket("rx", INET);
        var o = UdpOutcome.parse("after\nsockerr rx 111\nempty rx\ndone\n");
        assertThat(o.socketError(rx)).isEqualTo(111);
        assertThatThrownBy(() -> o.socketError(s.socket("other", INET))).isInstanceOf(RuntimeException.class);
    }

    @Test
    void parsesDrainedDatagramsInOrder() {
        var s = new UdpScenario();
        var rx = s.socket("rx", INET);
        var o = UdpOutcome.parse(RESULT);
        assertThat(o.complete()).isTrue();
        assertThat(o.received(rx)).containsExactly(
                new Datagram(Endpoint.parse("127.0.0.2", 7001), Endpoint.parse("127.0.0.1", 0), Payload.text("hello")),
                new Datagram(Endpoint.parse("127.0.0.2", 7001), Endpoint.parse("127.0.0.1", 0), Payload.empty()));
        assertThat(o.later(rx)).containsExactly(
                new Datagram(Endpoint.parse("127.0.0.3", 9), null, Payload.of(new byte[] {(byte) 0xbb})));
        assertThat(o.peekedBeforeCheckpoint(rx)).hasSize(1);
        assertThat(o.stateAfterRestore(rx).peer()).isEqualTo(Endpoint.parse("127.0.0.2", 7001));
        assertThat(o.stateBeforeCheckpoint(rx).orElseThrow().peekOffset()).isEqualTo(-1);
    }

    @Test
    void workloadErrorsSurfaceWithTheirMessage() {
        assertThatThrownBy(() -> UdpOutcome.parse("error 3 bind 127.0.0.1,7000: Address in use\n"))
                .isInstanceOf(UdpOutcome.WorkloadError.class)
                .hasMessageContaining("line 3").hasMessageContaining("Address in use");
    }

    @Test
    void lengthMismatchIsACorruptResult() {
        assertThatThrownBy(() -> UdpOutcome.parse("recv rx 127.0.0.2 1 - 3 aa\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 1");
    }
}
