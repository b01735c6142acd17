package io.zdtmudp.bench;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a CRIU log says about its own timing. Every line starts with "(SS.UUUUUU)", the time since
 * CRIU started; the engine's UDP lines add counts and, on restore, how long the re-injection took.
 * Reading CRIU's clock keeps the guest agent's round trips out of the engine's figures.
 */
final class CriuLogTimes {
    private static final Pattern STAMP = Pattern.compile("^\\((\\d+)\\.(\\d{6})\\)");
    private static final Pattern DUMPED = Pattern.compile("udp: Dumped (\\d+) datagrams \\((\\d+) bytes\\)");
    private static final Pattern RESTORED =
            Pattern.compile("udp: Restored (\\d+) datagrams \\((\\d+) bytes\\) through (\\w+) in (\\d+) ms");

    /** A queue the engine dumped, and the time since the log line before it (the peek and image write). */
    record Dumped(long datagrams, long bytes, double millis) {}

    /** A queue the engine put back, through which path, and the time it reports for it. */
    record Restored(long datagrams, long bytes, String path, double millis) {}

    private CriuLogTimes() {}

    /** The last timestamp in the log: CRIU's own run time, in milliseconds. */
    static double totalMillis(String log) {
        double last = -1;
        for (String line : log.split("\n")) {
            Matcher m = STAMP.matcher(line);
            if (m.find()) {
                last = millis(m);
            }
        }
        if (last < 0) {
            throw new IllegalArgumentException("no timestamped line in the CRIU log (was it written with -v and a log file?)");
        }
        return last;
    }

    /**
     * The largest queue the dump log reports. The engine logs nothing between opening a socket's
     * queue and the "Dumped" line, so the gap to the previous timestamp is the queue's own cost.
     */
    static Optional<Dumped> largestDump(String log) {
        Dumped best = null;
        double previous = 0;
        for (String line : log.split("\n")) {
            Matcher stamp = STAMP.matcher(line);
            if (!stamp.find()) {
                continue;
            }
            double now = millis(stamp);
            Matcher m = DUMPED.matcher(line);
            if (m.find()) {
                Dumped d = new Dumped(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), now - previous);
                if (best == null || d.datagrams() > best.datagrams()) {
                    best = d;
                }
            }
            previous = now;
        }
        return Optional.ofNullable(best);
    }

    /** The largest queue the restore log reports putting back. */
    static Optional<Restored> largestRestore(String log) {
        Restored best = null;
        Matcher m = RESTORED.matcher(log);
        while (m.find()) {
            Restored r = new Restored(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), m.group(3),
                    Double.parseDouble(m.group(4)));
            if (best == null || r.datagrams() > best.datagrams()) {
                best = r;
            }
        }
        return Optional.ofNullable(best);
    }

    private static double millis(Matcher stamp) {
        return Long.parseLong(stamp.group(1)) * 1000.0 + Long.parseLong(stamp.group(2)) / 1000.0;
    }
}
