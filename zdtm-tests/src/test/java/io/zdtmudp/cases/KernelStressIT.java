package io.zdtmudp.cases;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.agent.ExecResult;
import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.KernelFeatures;
import io.zdtmudp.harness.junit.ZdtmVm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The kernel's UDP_REPAIR_QUEUE / UDP_REPAIR_CORK options survive a randomized
 * stress (vm-images/guest/stress/udp_repair_stress.c) in the guest: valid and
 * malformed input, wrong socket types, callers without CAP_NET_ADMIN or in
 * another user+net namespace, and threads racing injection against reads,
 * peeks, socket replacement, shutdown, small buffers and MSG_MORE corking.
 * Every valid injection is read back byte for byte by the program itself; here
 * it must exit 0 with no violation, and the kernel must log no splat.
 *
 * {@code -Dzdtm.stress.seconds} (default 60) and {@code -Dzdtm.stress.seed}
 * (default: the program picks one and prints it) repeat or lengthen a run.
 */
@ZdtmVm
@Isolated("hammers the guest kernel for a minute: other tests would share its CPU, its kernel log and its splats")
class KernelStressIT {
    private static final String STRESS = "/opt/zdtm/bin/udp_repair_stress";
    private static final Pattern SUMMARY_FIELD = Pattern.compile("(\\w+)=(\\d+)");
    private static final Pattern SPLAT = Pattern.compile(
            "BUG|WARNING|KASAN|Oops|general protection|refcount|list_add corruption");

    @Test
    void randomizedStressLeavesTheKernelHealthy(Guest guest) {
        KernelFeatures.assumeUdpRepair(guest, "UDP_REPAIR_QUEUE and UDP_REPAIR_CORK (the stress drives them directly)");
        OwnKernelImage.assumeGuestHas(guest, STRESS, "the udp_repair stress");
        int seconds = Integer.getInteger("zdtm.stress.seconds", 60);
        List<String> argv = new ArrayList<>(List.of(STRESS, "-t", Integer.toString(seconds)));
        String seed = System.getProperty("zdtm.stress.seed", "");
        if (!seed.isBlank()) {
            argv.addAll(List.of("-s", seed));
        }
        // The program stops itself after `seconds`; the margin covers joining its threads under TCG.
        Duration limit = Duration.ofSeconds(seconds).plus(guest.timeouts().scale(Duration.ofSeconds(30)));
        ExecResult r = guest.exec(GuestCommand.builder().args(argv).timeout(limit).build());
        String report = r.stdout() + r.stderr();
        guest.attach("udp_repair_stress.txt", report);
        System.out.println("KernelStressIT: " + r.duration().toSeconds() + " s in the guest\n" + report);

        assertThat(r.timedOut()).as("stress still running after %s:\n%s", limit, report).isFalse();
        assertThat(r.exitCode()).as("stress exit status (1: violations, 4: nothing injected):\n%s", report).isZero();
        Map<String, Long> summary = summary(report);
        assertThat(summary.get("seconds")).as("stress duration").isGreaterThanOrEqualTo((long) seconds);
        assertThat(summary.get("violations")).as("violations").isZero();
        assertThat(summary.get("valid_injected")).as("valid injections read back intact").isPositive();
        assertThat(summary.get("peeked_whole")).as("injected queues peeked whole through SO_PEEK_OFF").isPositive();
        assertThat(summary.get("cork_verified")).as("corked datagrams read and pushed intact").isPositive();
        assertThat(summary.get("eperm")).as("EPERM answers to callers without CAP_NET_ADMIN").isPositive();
        assertThat(summary.get("wrong_socket")).as("refusals on sockets that are not UDP").isPositive();
        assertThat(summary.get("shared_intact")).as("whole datagrams read from the raced sockets").isPositive();

        List<String> splat = guest.dmesgSinceOpen().lines().filter(l -> SPLAT.matcher(l).find()).toList();
        assertThat(splat).as("kernel log lines during the stress").isEmpty();
        assertThat(guest.kernelProblems()).as("kernel problems (dmesg, taint)").isEmpty();
    }

    /** The key=value pairs of the program's last line, "summary ...". */
    private static Map<String, Long> summary(String report) {
        String line = report.lines().filter(l -> l.startsWith("summary ")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no summary line in:\n" + report));
        Map<String, Long> fields = new LinkedHashMap<>();
        Matcher m = SUMMARY_FIELD.matcher(line);
        while (m.find()) {
            try {
                fields.put(m.group(1), Long.parseLong(m.group(2)));
            } catch (NumberFormatException e) {
                // a 64-bit seed above Long.MAX_VALUE: printed, not checked
            }
        }
        return fields;
    }
}
