package io.zdtmudp.cases;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.net.Payload;
import io.zdtmudp.harness.udp.UdpOutcome;
import io.zdtmudp.harness.udp.UdpRun;
import io.zdtmudp.harness.udp.UdpScenario;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A bound and a connected socket keep their addresses across C/R and talk both ways after it. */
@ZdtmVm
class UdpTrafficIT {
    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void boundAndConnectedSocketsTalkBothWaysAfterRestore(IpFamily family, Guest guest) {
        var s = new UdpScenario();
        var server = s.socket("server", family).bind(family.loopback().withPort(7000)).pktinfo();
        var client = s.socket("client", family).bind(family.loopback().withPort(7001)).connect(server);
        var after = s.afterRestore();
        Datagram request = after.send(client, server, Payload.text("ping after restore"));
        after.receive(server);
        Datagram reply = after.send(server, client, Payload.text("pong after restore"));
        after.receive(client);

        try (var run = UdpRun.start(guest, s)) {
            UdpOutcome out = run.checkpointRestoreAndCompare();

            assertThat(out.stateAfterRestore(server).local()).isEqualTo(run.beforeCheckpoint().local(server));
            assertThat(out.stateAfterRestore(client).local()).isEqualTo(run.beforeCheckpoint().local(client));
            assertThat(out.stateAfterRestore(client).peer()).isEqualTo(server.bound());
            assertThat(out.stateAfterRestore(server).peer()).isNull();
            assertThat(out.later(server)).containsExactly(request);
            assertThat(out.later(client)).containsExactly(reply);
        }
    }

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void wildcardBoundSocketKeepsItsPort(IpFamily family, Guest guest) {
        var s = new UdpScenario();
        var rx = s.socket("rx", family).bind(family.any().withPort(7100));
        var tx = s.socket("tx", family).bind(family.loopback().withPort(7101));
        var after = s.afterRestore();
        Datagram d = after.send(tx, rx, Payload.generated(512, 3));
        after.receive(rx);

        try (var run = UdpRun.start(guest, s)) {
            UdpOutcome out = run.checkpointRestoreAndCompare();
            assertThat(out.stateAfterRestore(rx).local()).isEqualTo(family.any().withPort(7100));
            assertThat(out.later(rx)).containsExactly(d);
        }
    }
}
