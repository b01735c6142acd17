package io.zdtmudp.harness.junit;

import io.zdtmudp.harness.agent.ExecResult;
import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.vm.Vm;
import java.util.Map;
import java.util.WeakHashMap;
import org.junit.jupiter.api.Assumptions;

/**
 * What the guest's kernel offers, probed in the guest rather than read from the kernel's name: a stock
 * kernel (Debian's, booted as shipped, -Dzdtm.kernel=debian-*) lacks our series, and the cases that need
 * it are skipped with the missing feature as the reason. One probe per VM.
 */
public final class KernelFeatures {
    /** The patched CRIU's own probe of SOL_UDP UDP_REPAIR (vm-images/criu/patches: check_udp_repair). */
    static final String UDP_REPAIR_PROBE = "criu check --feature udp_repair";

    private static final Map<Vm, Probe> PROBES = new WeakHashMap<>();

    /** What the probe found: the kernel release, whether UDP repair answered, and whether UDP-Lite exists. */
    public record Probe(String release, boolean udpRepair, String detail, boolean udpLite) {}

    private KernelFeatures() {}

    public static synchronized Probe of(Guest guest) {
        return PROBES.computeIfAbsent(guest.vm(), vm -> probe(guest));
    }

    private static Probe probe(Guest guest) {
        String release = guest.agent().readText("/proc/sys/kernel/osrelease").strip();
        ExecResult r = guest.agent().exec(GuestCommand.of("sh", "-c", "/usr/sbin/" + UDP_REPAIR_PROBE + " 2>&1"));
        String out = r.stdout().strip();
        String detail = r.timedOut() ? "timed out" : out.isEmpty() ? "exit " + r.exitCode() : lastLine(out);
        // Linux 7.1 removed UDP-Lite; its /proc/net table goes with it.
        boolean udpLite = guest.agent().exec(GuestCommand.of("test", "-e", "/proc/net/udplite")).succeeded();
        return new Probe(release, r.succeeded(), detail, udpLite);
    }

    /**
     * Skips the calling test (a JUnit assumption) unless the guest's kernel has the UDP repair series;
     * {@code option} names the socket option of the series the test needs, e.g. UDP_REPAIR_QUEUE.
     */
    public static void assumeUdpRepair(Guest guest, String option) {
        Probe p = of(guest);
        Assumptions.assumeTrue(p.udpRepair(), () -> "kernel " + p.release()
                + " has no UDP repair (SOL_UDP UDP_REPAIR, needed for " + option + "): `" + UDP_REPAIR_PROBE
                + "` in the guest fails (" + p.detail() + ")");
    }

    /**
     * Skips the calling test unless the guest's kernel lacks the UDP repair series (a stock kernel, where the
     * engine takes its stock-kernel path); returns what the probe found.
     */
    public static Probe assumeNoUdpRepair(Guest guest) {
        Probe p = of(guest);
        Assumptions.assumeFalse(p.udpRepair(), () -> "kernel " + p.release() + " has the UDP repair series");
        return p;
    }

    /** Skips the calling test unless the guest's kernel has UDP-Lite (gone from Linux 7.1 on). */
    public static void assumeUdpLite(Guest guest) {
        Probe p = of(guest);
        Assumptions.assumeTrue(p.udpLite(), () -> "kernel " + p.release()
                + " has no UDP-Lite (no /proc/net/udplite; Linux removed UDP-Lite in 7.1)");
    }

    private static String lastLine(String s) {
        String[] lines = s.split("\n");
        return lines[lines.length - 1].strip();
    }
}
