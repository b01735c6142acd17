package io.zdtmudp.harness.guest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Finds what in a test's slice of dmesg, and in the taint flags, means the kernel misbehaved. */
final class KernelHealth {
    private static final Pattern BAD = Pattern.compile(
            "\\b(Oops|BUG:|kernel BUG|WARNING:|general protection fault|Kernel panic|UBSAN:|KASAN:|"
                    + "list_(add|del) corruption|refcount_t:|RCU detected stall|soft lockup|hung_task)");

    private KernelHealth() {}

    /** The dmesg lines that fail a test, plus a line for any taint flag that appeared. */
    static List<String> problems(String dmesgSlice, long taintBefore, long taintAfter) {
        List<String> out = new ArrayList<>();
        dmesgSlice.lines().filter(KernelHealth::isBad).forEach(out::add);
        taintProblem(taintBefore, taintAfter, Set.of()).ifPresent(out::add);
        return out;
    }

    /**
     * The same over a test's window of a guest shared by several tests: each bad line names the tests
     * that ran alongside when it was logged, since any of them may have caused it.
     */
    static List<String> problems(KernelLogWindow window, long taintBefore, long taintAfter) {
        List<String> out = new ArrayList<>();
        for (KernelLogWindow.Line l : window.lines()) {
            if (isBad(l.text())) {
                out.add(l.text() + alongside(l.alongside()));
            }
        }
        taintProblem(taintBefore, taintAfter, window.overlapping()).ifPresent(out::add);
        return out;
    }

    private static boolean isBad(String line) {
        return BAD.matcher(line).find();
    }

    private static Optional<String> taintProblem(long before, long after, Set<Integer> overlapping) {
        long appeared = after & ~before;
        if (appeared == 0) {
            return Optional.empty();
        }
        return Optional.of("kernel taint flags appeared: 0x" + Long.toHexString(appeared) + " (now " + after + ")"
                + alongside(overlapping));
    }

    private static String alongside(Set<Integer> others) {
        if (others.isEmpty()) {
            return "";
        }
        return "  [tests " + others.stream().sorted().map(i -> "z" + i).collect(Collectors.joining(", "))
                + " ran alongside: any of them may have caused it]";
    }

    /** The part of {@code now} after what was seen before (the whole text if the ring buffer moved on). */
    static String slice(String before, String now) {
        if (!before.isEmpty() && now.startsWith(before)) {
            return now.substring(before.length());
        }
        // The ring buffer wrapped: find the last line we saw and take what follows it.
        List<String> seen = before.lines().toList();
        if (!seen.isEmpty()) {
            String last = seen.get(seen.size() - 1);
            int at = now.lastIndexOf(last);
            if (at >= 0) {
                return now.substring(Math.min(now.length(), at + last.length())).replaceFirst("^\n", "");
            }
        }
        return now;
    }

    static long parseTaint(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
