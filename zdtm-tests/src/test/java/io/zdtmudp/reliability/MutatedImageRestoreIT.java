package io.zdtmudp.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.criu.CriuResult;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.net.Payload;
import io.zdtmudp.harness.udp.QueueComparison;
import io.zdtmudp.harness.udp.QueueInjection;
import io.zdtmudp.harness.udp.UdpOutcome;
import io.zdtmudp.harness.udp.UdpRun;
import io.zdtmudp.harness.udp.UdpScenario;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A damaged udp-queue image restores all of a queue or nothing: CRIU either
 * refuses it, naming the image, and leaves no restored process, or it
 * restores exactly the queue the image describes. Never a partial queue.
 */
@ZdtmVm
class MutatedImageRestoreIT {
    private static final int MUTANTS = 27; // three of each of the nine kinds
    private static final long SEED = 0x7e57;

    @ParameterizedTest(name = "restore through {0}")
    @EnumSource(value = QueueInjection.class, names = {"RAW", "KERNEL"})
    void aDamagedQueueImageRestoresAllOrNothing(QueueInjection injection, Guest guest) {
        var s = new UdpScenario();
        var rx = s.socket("rx", IpFamily.INET).bind(IpFamily.INET.loopback().withPort(7600)).pktinfo();
        var tx = s.socket("tx", IpFamily.INET).bind(IpFamily.INET.loopback().withPort(7601));
        s.sendMany(tx, rx, 12, 900, 3);
        s.send(tx, rx, Payload.empty());
        s.sendMany(tx, rx, 3, 40, 4);
        List<Datagram> original = s.queueOf(rx);

        try (UdpRun run = UdpRun.start(guest, s).injectWith(injection)) {
            run.checkpoint();
            String images = run.cycle().imagesDir();
            String imageName = "udp-queue-" + Integer.toHexString(run.savedSocket(rx).getId()) + ".img";
            if (!guest.exec("test", "-e", images + "/" + imageName).succeeded()) {
                imageName = "udp-queue-" + run.savedSocket(rx).getId() + ".img";
            }
            var parts = QueueImageMutant.Parts.parse(guest.readFile(images + "/" + imageName));
            // Control: an intact copy restores through this path, so every refusal below is the mutant's doing.
            CriuResult intact = restoreCopy(run, images, "intact");
            assertThat(intact.succeeded()).as("restore of an intact copy: %s", intact.errorLines()).isTrue();
            QueueComparison.assertSame("queue restored from the intact copy", original, run.finish().received(rx));
            Random rnd = new Random(SEED);
            int refused = 0;
            int restored = 0;
            StringBuilder log = new StringBuilder();
            for (int n = 0; n < MUTANTS; n++) {
                QueueImageMutant m = QueueImageMutant.of(parts, n, rnd);
                String copy = copyImages(guest, images, "mutant-" + n);
                guest.agent().writeFile(copy + "/" + imageName, m.bytes(), 0644);
                CriuResult r = run.cycle().tryRestore(copy, "restore", UnaryOperator.identity());
                String what = "mutant " + n + " (" + m.description() + ")";
                if (!r.succeeded()) {
                    refused++;
                    String image = imageName;
                    assertThat(r.log().lines().filter(l -> l.contains("Error") && l.contains(image)))
                            .as(what + ": CRIU refused it; an error line must name " + image + ":\n"
                                    + String.join("\n", r.errorLines())).isNotEmpty();
                    GuestChecks.assertGone(guest, run.pid(), what + " refused");
                    log.append(what).append(": refused\n");
                    continue;
                }
                restored++;
                UdpOutcome out = run.finish();
                Optional<List<Datagram>> described = m.describedQueue();
                List<Datagram> got = out.received(rx);
                boolean whole = QueueComparison.difference(original, got).isEmpty()
                        || described.map(d -> QueueComparison.difference(d, got).isEmpty()).orElse(false);
                assertThat(whole).as(what + ": restored " + got.size() + " datagrams; neither the original queue ("
                        + original.size() + ") nor the one the image describes").isTrue();
                log.append(what).append(": restored ").append(got.size()).append(" datagrams\n");
            }
            guest.attach("mutants.txt", log.toString());
            System.out.println("mutated image restores (" + injection + "): " + MUTANTS + " tried, " + refused
                    + " refused, " + restored + " restored whole");
        }
    }

    private static String copyImages(Guest guest, String images, String name) {
        String copy = guest.workDir() + "/" + name;
        guest.run("sh", "-c", "rm -rf " + copy + " && cp -r " + images + " " + copy);
        return copy;
    }

    private static CriuResult restoreCopy(UdpRun run, String images, String name) {
        return run.cycle().tryRestore(copyImages(run.guest(), images, name), "restore", UnaryOperator.identity());
    }
}
