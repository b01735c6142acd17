package io.zdtmudp.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.criu.CriuException;
import io.zdtmudp.harness.criu.CriuResult;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.udp.UdpOutcome;
import io.zdtmudp.harness.udp.UdpRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A dump whose image directory fills up (a tiny tmpfs mounted there) fails and
 * says why ("No space left on device" in CRIU's errors and in the driver's
 * exception, with the log kept outside the full directory), and the task runs
 * on with every queued datagram, compared byte for byte after draining.
 */
@ZdtmVm
class ImageDirFullIT {
    private static final String ENOSPC = "No space left on device";

    /** A receiver holding 40 datagrams of 3000 B and an empty one: about 120 KiB of queue image. */
    private final QueuedReceiver receiver = new QueuedReceiver(7500, 40, 3000, 77);

    @ParameterizedTest(name = "tmpfs of {0} KiB")
    @ValueSource(ints = {64, 256})
    void dumpIntoATinyImageDirFailsAndTheTaskKeepsItsQueue(int kib, Guest guest) {
        try (UdpRun run = receiver.start(guest)) {
            dumpIntoFullDirLeavesTheQueue(guest, run, kib);
        }
    }

    /**
     * Room for everything but half of the queue image, measured by a dump that left the
     * task running: the dump runs out of space late, with most images written.
     */
    @Test
    void dumpRunningOutOfSpaceNearItsEndKeepsTheQueue(Guest guest) {
        try (UdpRun run = receiver.start(guest)) {
            run.cycle().checkpoint(b -> b.leaveRunning(true));
            String trial = run.cycle().imagesDir();
            long total = bytes(guest, "cat " + trial + "/*.img | wc -c");
            long queue = bytes(guest, "cat " + trial + "/udp-queue-*.img | wc -c");
            assertThat(queue).as("queue image of the trial dump").isGreaterThan(40 * 3000);
            guest.run("rm", "-rf", trial);
            long kib = Math.max(4, (total - queue / 2) / 1024);
            String sizes = "images " + total + " B, queue image " + queue + " B, tmpfs " + kib + " KiB";
            guest.attach("sizes.txt", sizes);
            System.out.println("ImageDirFullIT: trial dump: " + sizes);
            dumpIntoFullDirLeavesTheQueue(guest, run, (int) kib);
        }
    }

    private void dumpIntoFullDirLeavesTheQueue(Guest guest, UdpRun run, int kib) {
        String images = guest.workDir() + "/full-" + kib;
        guest.run("mkdir", "-p", images);
        guest.run("mount", "-t", "tmpfs", "-o", "size=" + kib + "k", "zdtm-full", images);
        try {
            // The log goes next to the full dir: in it, it would be lost to the same ENOSPC.
            CriuResult r = run.cycle().tryCheckpoint(b -> b.imagesDir(images).workDir(guest.workDir())
                    .logFile(guest.workDir() + "/dump-full-" + kib + ".log"));
            String used = guest.exec("df", "-k", images).stdout();
            guest.attach("df-" + kib + ".txt", used);
            System.out.printf("ImageDirFullIT: %d KiB image dir: criu exit %d, errors:%n  %s%n", kib, r.exitCode(),
                    String.join("\n  ", r.errorLines()));

            assertThat(r.succeeded()).as("dump into a %d KiB image dir (%s)", kib, used).isFalse();
            assertThat(String.join("\n", r.errorLines())).as("CRIU's error lines").contains(ENOSPC);
            assertThat(new CriuException(r).getMessage()).as("the driver's failure message").contains(ENOSPC);
            assertThat(guest.criuLogs()).as("CRIU logs kept for the failure artifacts")
                    .anyMatch(l -> l.text().contains(ENOSPC));
            assertThat(guest.alive(run.pid())).as("the task runs on after the failed dump").isTrue();
        } finally {
            guest.exec("umount", images);
        }
        UdpOutcome out = run.finish();
        receiver.assertDrainedWhole("queue after a dump into a full " + kib + " KiB dir", out);
    }

    private static long bytes(Guest guest, String shell) {
        return Long.parseLong(guest.run("sh", "-c", shell).stdout().strip());
    }
}
