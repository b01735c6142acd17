package io.zdtmudp.harness.vm;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * How long each phase of one VM start took, in the order they ran: what a start from a snapshot spends
 * before a test's first command, so that a slow start says where it was slow.
 */
final class StartPhases {
    private final long startNanos = System.nanoTime();
    private final Map<String, Duration> phases = new LinkedHashMap<>();
    private long lastNanos = startNanos;

    /** Ends the phase called {@code name}: it ran from the previous mark (or the start) to now. */
    synchronized void mark(String name) {
        long now = System.nanoTime();
        phases.merge(name, Duration.ofNanos(now - lastNanos), Duration::plus);
        lastNanos = now;
    }

    synchronized Map<String, Duration> phases() {
        return Map.copyOf(phases);
    }

    synchronized Duration total() {
        return Duration.ofNanos(lastNanos - startNanos);
    }

    /** "1234 ms: key 120, lookup 80, ..." */
    @Override
    public synchronized String toString() {
        StringJoiner j = new StringJoiner(", ", total().toMillis() + " ms: ", "");
        phases.forEach((name, d) -> j.add(name + " " + d.toMillis()));
        return j.toString();
    }
}
