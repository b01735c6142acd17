package io.zdtmudp.harness.udp;

import io.zdtmudp.harness.net.Datagram;
import java.util.List;
import java.util.Optional;

/**
 * Compares two datagram queues in order and names the first difference, so a
 * failing case with ten thousand datagrams prints one useful line, not two
 * lists of ten thousand.
 */
public final class QueueComparison {
    private QueueComparison() {
    }

    /** Empty when equal; otherwise where and how {@code actual} departs from {@code expected}. */
    public static Optional<String> difference(List<Datagram> expected, List<Datagram> actual) {
        int common = Math.min(expected.size(), actual.size());
        for (int i = 0; i < common; i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                return Optional.of(String.format(
                        "datagram #%d of %d differs (got %d):%n  expected %s%n  actual   %s%s%s",
                        i, expected.size(), actual.size(), expected.get(i), actual.get(i),
                        detail(expected.get(i), actual.get(i)), whereabouts(expected, actual, i)));
            }
        }
        if (expected.size() != actual.size()) {
            boolean missing = expected.size() > actual.size();
            List<Datagram> longer = missing ? expected : actual;
            return Optional.of(String.format(
                    "expected %d datagrams, got %d; the first %s is #%d: %s",
                    expected.size(), actual.size(), missing ? "missing" : "extra", common, longer.get(common)));
        }
        return Optional.empty();
    }

    /**
     * Where the two datagrams at {@code i} sit in the other queue: tells a datagram lost from the middle
     * (the rest shifted up by one), an extra one, and two that swapped, which look alike at {@code i}.
     */
    private static String whereabouts(List<Datagram> expected, List<Datagram> actual, int i) {
        int wantedAt = actual.subList(i, actual.size()).indexOf(expected.get(i));
        int gotAt = expected.subList(i, expected.size()).indexOf(actual.get(i));
        return String.format("%n  expected #%d is %s; actual #%d is %s", i,
                wantedAt < 0 ? "missing from the actual queue" : "actual #" + (i + wantedAt),
                i, gotAt < 0 ? "nowhere later in the expected queue" : "expected #" + (i + gotAt));
    }

    private static String detail(Datagram e, Datagram a) {
        if (!e.payload().equals(a.payload())) {
            byte[] eb = e.payload().bytes();
            byte[] ab = a.payload().bytes();
            int n = Math.min(eb.length, ab.length);
            for (int i = 0; i < n; i++) {
                if (eb[i] != ab[i]) {
                    return String.format("%n  first differing byte at offset %d: expected 0x%02x, got 0x%02x",
                            i, eb[i] & 0xff, ab[i] & 0xff);
                }
            }
            return String.format("%n  lengths differ: expected %d, got %d", eb.length, ab.length);
        }
        return "";
    }

    /** Throws {@link AssertionError} with the first difference. */
    public static void assertSame(String what, List<Datagram> expected, List<Datagram> actual) {
        difference(expected, actual).ifPresent(d -> {
            throw new AssertionError(what + ": " + d);
        });
    }
}
