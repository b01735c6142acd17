package io.zdtmudp.cases;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.cycle.CrCycle;
import io.zdtmudp.harness.cycle.GuestProgram;
import io.zdtmudp.harness.cycle.Readiness;
import io.zdtmudp.harness.cycle.Workload;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.images.CriuImages;
import io.zdtmudp.harness.images.UdpQueueImage;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.IpFamily;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "A case for your own program": a C file of the test's resources ({@code udp-log.c}, next
 * to this class), compiled on the host and run in the guest; stopped while datagrams arrive, checkpointed
 * with them queued, restored, and let go: it prints each of them, in order, as it would have.
 */
@ZdtmVm
class OwnProgramIT {
    @Test
    void readsAfterTheRestoreWhatWasQueuedAtTheCheckpoint(Guest guest) {
        String program = GuestProgram.fromResource(guest, OwnProgramIT.class, "udp-log.c");
        String out = guest.workDir() + "/udp-log.out";
        Workload w = Workload.spawn(guest, Readiness.udpPortBound(7700), out, program, "7700");
        CrCycle cycle = CrCycle.of(guest, w.pid(), guest.workDir());
        try {
            w.pause(); // SIGSTOP: what is sent now waits in its socket
            List<String> sent = List.of("one", "two", "three");
            for (String m : sent) {
                guest.run("sh", "-c", "printf " + m + " | socat -u - UDP4-SENDTO:127.0.0.1:7700");
            }
            CriuImages images = cycle.checkpoint();
            assertThat(UdpQueueImage.queuedOn(images, IpFamily.INET, 7700)).as("the queue in the dump")
                    .map(Datagram::payload).map(p -> new String(p.bytes(), StandardCharsets.US_ASCII))
                    .containsExactlyElementsOf(sent);
            cycle.restore();
            assertThat(w.paused()).as("restored stopped, as it was dumped").isTrue();
            w.resume().waitUntil(Readiness.lineIn(out, Pattern.compile("^got 5 three$")));
            assertThat(guest.run("cat", out).stdout()).isEqualTo("got 3 one\ngot 3 two\ngot 5 three\n");
        } finally {
            cycle.kill();
        }
    }
}
