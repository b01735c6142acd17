package io.zdtmudp.cases;

import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.net.Payload;
import io.zdtmudp.harness.udp.QueueComparison;
import io.zdtmudp.harness.udp.UdpOutcome;
import io.zdtmudp.harness.udp.UdpRun;
import io.zdtmudp.harness.udp.UdpScenario;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The README's "write a new case" example, kept compiling and passing. */
@ZdtmVm
class FirstCaseIT {
    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void helloSurvives(IpFamily family, Guest guest) {
        var s = new UdpScenario();
        var rx = s.socket("rx", family).bind(family.loopback().withPort(7000)).pktinfo();
        var tx = s.socket("tx", family).bind(family.loopback().withPort(7001));
        s.send(tx, rx, Payload.text("hello"));

        try (var run = UdpRun.start(guest, s)) {
            run.checkpoint();
            QueueComparison.assertSame("image", s.queueOf(rx), run.savedQueue(rx));
            run.restore();
            UdpOutcome out = run.finish();
            QueueComparison.assertSame("after restore", s.queueOf(rx), out.received(rx));
        }
    }
}
