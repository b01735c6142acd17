package io.zdtmudp.bench;

import io.zdtmudp.harness.agent.ExecResult;
import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.junit.Guest;
import io.zdtmudp.harness.udp.UdpRun;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The physical limit a queue's C/R is compared with: the same workload sending the same datagrams
 * once and draining them once, with no CRIU. The pass is the workload's after-restore section, so
 * it starts on SIGUSR1 like after a restore; its ends are marked in the kernel log, whose
 * microsecond timestamps are the finest clock the guest's busybox offers (its date has no %N).
 */
final class PlainPass {
    private static final Pattern MARK = Pattern.compile("\\[\\s*(\\d+)\\.(\\d{6})\\] zdtm-bench: (\\S+) (begin|end)");
    private static final int RX_PORT = 7100;
    private static final int TX_PORT = 7101;

    private PlainPass() {}

    /** The workload's script: sockets before, send and drain after the signal. */
    static String script(QueueLoad load) {
        return "sock rx 4 udp bind=127.0.0.1," + RX_PORT + " rcvbufforce=" + QueueLoad.RCVBUF + "\n"
                + "sock tx 4 udp bind=127.0.0.1," + TX_PORT + "\n"
                + "after\n"
                + (load.count() == 0 ? "" : "sendn tx rx " + load.count() + " " + load.length() + " 1\n")
                + "drain rx\n";
    }

    /** Runs one pass and returns its time in milliseconds; fails unless every datagram arrived. */
    static double run(Guest guest, QueueLoad load, String tag) {
        String dir = guest.workDir() + "/plain-" + tag;
        guest.run("mkdir", "-p", dir);
        guest.writeFile(dir + "/script", script(load));
        String sh = String.join("\n",
                "d=" + dir,
                // Kernels built without CONFIG_PRINTK_TIME can still stamp the log.
                "echo Y > /sys/module/printk/parameters/time 2>/dev/null",
                UdpRun.WORKLOAD + " $d/script $d/ready $d/result > $d/udpq.log 2>&1 & p=$!",
                // The workload blocks SIGUSR1 first thing, so the signal waits for it once it is ready.
                "while [ ! -e $d/ready ]; do kill -0 $p 2>/dev/null || exit 90; sleep 0.02; done",
                "echo 'zdtm-bench: " + tag + " begin' > /dev/kmsg",
                "kill -USR1 $p; wait $p; st=$?",
                "echo 'zdtm-bench: " + tag + " end' > /dev/kmsg",
                "[ $st = 0 ] || { cat $d/udpq.log; exit $st; }",
                "grep -c '^recv rx ' $d/result || true",
                "rm -rf $d");
        ExecResult r = guest.exec(GuestCommand.builder().args("sh", "-c", sh).timeout(guest.timeouts().call()).build());
        if (!r.succeeded()) {
            throw new AssertionError("plain pass " + tag + " failed: " + r.describe());
        }
        long received = Long.parseLong(r.stdout().strip());
        if (received != load.count()) {
            throw new AssertionError("plain pass " + tag + " received " + received + " of " + load.count()
                    + " datagrams: the receive buffer is too small for the load");
        }
        return between(guest.dmesg(), tag);
    }

    /** The time between the pass's begin and end marks in the kernel log. */
    static double between(String dmesg, String tag) {
        double begin = -1;
        double end = -1;
        Matcher m = MARK.matcher(dmesg);
        while (m.find()) {
            if (!m.group(3).equals(tag)) {
                continue;
            }
            double t = Long.parseLong(m.group(1)) * 1000.0 + Long.parseLong(m.group(2)) / 1000.0;
            if (m.group(4).equals("begin")) {
                begin = t;
            } else {
                end = t;
            }
        }
        if (begin < 0 || end < begin) {
            throw new AssertionError("no begin/end marks for " + tag + " in the guest's kernel log");
        }
        return end - begin;
    }
}
