package io.zdtmudp.bench;

import io.zdtmudp.harness.agent.ExecResult;
import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.udp.UdpRun;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The physical limit a queue's C/R is compared with: the same workload sending the same datagrams
 * once (and, in a second pass, draining them too), with no CRIU. The pass is the workload's
 * after-restore section, so it starts on SIGUSR1 like after a restore. Its ends are read with
 * busybox adjtimex, the guest's only wall clock in microseconds: busybox date has no %N, and
 * kernel log timestamps stall under TCG once the TSC is marked unstable. The drain is not a plain receive: the workload reports every byte it receives
 * in hex, one formatted write per byte, which costs more than moving the bytes.
 */
final class PlainPass {
    private static final Pattern MARK =
            Pattern.compile("mark (begin|end)\\n(?:.*\\n)*?\\s*time\\.tv_sec:\\s*(\\d+)\\n\\s*time\\.tv_usec:\\s*(\\d+)");
    private static final int RX_PORT = 7100;
    private static final int TX_PORT = 7101;

    private PlainPass() {}

    /** What one pass does after the signal. */
    enum Kind {
        SEND, SEND_AND_DRAIN
    }

    /** The workload's script: sockets before the signal, the pass after it. */
    static String script(QueueLoad load, Kind kind) {
        return "sock rx 4 udp bind=127.0.0.1," + RX_PORT + " rcvbufforce=" + QueueLoad.RCVBUF + "\n"
                + "sock tx 4 udp bind=127.0.0.1," + TX_PORT + "\n"
                + "after\n"
                + (load.count() == 0 ? "" : "sendn tx rx " + load.count() + " " + load.length() + " 1\n")
                + (kind == Kind.SEND_AND_DRAIN ? "drain rx\n" : "");
    }

    /**
     * Runs one pass and returns its time in milliseconds. Fails unless the netns's UDP counters show
     * every datagram sent and none dropped (and, with a drain, every one received).
     */
    static double run(Guest guest, QueueLoad load, Kind kind, String tag) {
        String dir = guest.workDir() + "/plain-" + tag;
        guest.run("mkdir", "-p", dir);
        guest.writeFile(dir + "/script", script(load, kind));
        String sh = String.join("\n",
                "d=" + dir,
                UdpRun.WORKLOAD + " $d/script $d/ready $d/result > $d/udpq.log 2>&1 & p=$!",
                // The workload blocks SIGUSR1 first thing, so the signal waits for it once it is ready.
                "while [ ! -e $d/ready ]; do kill -0 $p 2>/dev/null || exit 90; sleep 0.02; done",
                "grep '^Udp:' /proc/net/snmp",
                "b=$(adjtimex)",
                "kill -USR1 $p; wait $p; st=$?",
                "e=$(adjtimex)",
                "printf 'mark begin\\n%s\\nmark end\\n%s\\n' \"$b\" \"$e\"",
                "grep '^Udp:' /proc/net/snmp",
                "[ $st = 0 ] || { cat $d/udpq.log; exit $st; }",
                "rm -rf $d");
        ExecResult r = guest.exec(GuestCommand.builder().args("sh", "-c", sh).timeout(guest.timeouts().call()).build());
        if (!r.succeeded()) {
            throw new AssertionError("plain pass " + tag + " failed: " + r.describe());
        }
        UdpCounters delta = UdpCounters.delta(r.stdout());
        // udpq's settle() sends itself one empty marker after a stretch of sends, and receives it
        long marker = load.count() == 0 ? 0 : 1;
        long received = kind == Kind.SEND_AND_DRAIN ? load.count() : 0;
        if (delta.out() != load.count() + marker || delta.dropped() != 0 || delta.in() != received + marker) {
            throw new AssertionError("plain pass " + tag + " expected " + load.count() + " datagrams sent, "
                    + received + " received and none dropped, besides udpq's " + marker
                    + " settle marker; the netns's UDP counters say " + delta);
        }
        return elapsedMillis(r.stdout(), tag);
    }

    /** The time between the pass's begin and end marks (adjtimex outputs) in the pass's output. */
    static double elapsedMillis(String output, String tag) {
        double begin = -1;
        double end = -1;
        Matcher m = MARK.matcher(output);
        while (m.find()) {
            double t = Long.parseLong(m.group(2)) * 1000.0 + Long.parseLong(m.group(3)) / 1000.0;
            if (m.group(1).equals("begin")) {
                begin = t;
            } else {
                end = t;
            }
        }
        if (begin < 0 || end < begin) {
            throw new AssertionError("no begin/end clock readings for plain pass " + tag + " in:\n" + output);
        }
        return end - begin;
    }
}
