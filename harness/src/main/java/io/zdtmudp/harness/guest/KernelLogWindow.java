package io.zdtmudp.harness.guest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One test's stretch of the guest's kernel log, cut out by the markers each test writes to /dev/kmsg
 * when it opens and closes. Tests that share a guest interleave their kernel messages; the markers say
 * which tests were running when a line was logged, so a splat names every test that may have caused it
 * (and only one when the test ran alone at that moment).
 */
final class KernelLogWindow {
    private static final Pattern MARKER = Pattern.compile("zdtm: test z(\\d+) (begin|end)\\s*$");

    /** A line of the window and the other tests running when the kernel logged it. */
    record Line(String text, Set<Integer> alongside) {}

    private final List<Line> lines;
    private final Set<Integer> overlapping;

    private KernelLogWindow(List<Line> lines, Set<Integer> overlapping) {
        this.lines = lines;
        this.overlapping = overlapping;
    }

    static String beginMarker(int id) {
        return "zdtm: test z" + id + " begin";
    }

    static String endMarker(int id) {
        return "zdtm: test z" + id + " end";
    }

    /**
     * The lines after test {@code id}'s begin marker up to its end marker (or the end of the log); empty
     * when the log holds no begin marker of it (a guest without /dev/kmsg, or a ring buffer that wrapped).
     */
    static Optional<KernelLogWindow> of(String log, int id) {
        Set<Integer> active = new TreeSet<>();
        Set<Integer> overlapping = new TreeSet<>();
        List<Line> lines = new ArrayList<>();
        boolean inside = false;
        for (String line : log.lines().toList()) {
            Matcher m = MARKER.matcher(line);
            if (m.find()) {
                int who = Integer.parseInt(m.group(1));
                boolean begin = m.group(2).equals("begin");
                if (who == id) {
                    if (begin) {
                        inside = true;
                        overlapping.addAll(active);
                    } else if (inside) {
                        break;
                    }
                } else if (begin) {
                    active.add(who);
                    if (inside) {
                        overlapping.add(who);
                    }
                } else {
                    active.remove(who);
                }
                if (who == id) {
                    continue;
                }
            }
            if (inside) {
                lines.add(new Line(line, Set.copyOf(active)));
            }
        }
        return inside ? Optional.of(new KernelLogWindow(lines, overlapping)) : Optional.empty();
    }

    /** The window's text, with the other tests' markers (they show who ran alongside). */
    String text() {
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(l.text()).append('\n'));
        return sb.toString();
    }

    List<Line> lines() {
        return lines;
    }

    /** Every other test that ran at some point of this window. */
    Set<Integer> overlapping() {
        return overlapping;
    }
}
