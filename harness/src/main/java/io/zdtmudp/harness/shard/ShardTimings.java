package io.zdtmudp.harness.shard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Seconds each test class took in earlier runs, one {@code class<TAB>seconds} line each ({@code #} starts a
 * comment), as {@code ci/shard-timings} writes them from a run's Surefire/Failsafe XML. A class the file does not
 * know weighs the median of the ones it does, so a new test class lands in some shard without a new file.
 */
public final class ShardTimings {
    /** What a class weighs when no run was ever recorded. */
    private static final double NOTHING_RECORDED = 1.0;

    private final Map<String, Double> seconds;
    private final double unknown;

    private ShardTimings(Map<String, Double> seconds) {
        this.seconds = Map.copyOf(seconds);
        List<Double> sorted = seconds.values().stream().sorted().toList();
        this.unknown = sorted.isEmpty() ? NOTHING_RECORDED : sorted.get(sorted.size() / 2);
    }

    public static ShardTimings none() {
        return new ShardTimings(Map.of());
    }

    public static ShardTimings of(Map<String, Double> seconds) {
        seconds.forEach((k, v) -> {
            if (!(v >= 0) || v.isInfinite()) {
                throw new IllegalArgumentException("a test class's time must be a non-negative number: " + k + " " + v);
            }
        });
        return new ShardTimings(seconds);
    }

    /** Reads the file; a malformed line is refused with its number, since a silent zero would skew every shard. */
    public static ShardTimings read(Path file) throws IOException {
        Map<String, Double> out = new TreeMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            double s;
            try {
                s = f.length == 2 ? Double.parseDouble(f[1]) : Double.NaN;
            } catch (NumberFormatException e) {
                s = Double.NaN;
            }
            if (f[0].isBlank() || !(s >= 0) || Double.isInfinite(s)) {
                throw new IOException(file + ":" + (i + 1) + ": expected 'test-class<TAB>seconds', got '" + lines.get(i) + "'");
            }
            out.put(f[0], s);
        }
        return new ShardTimings(out);
    }

    public double seconds(String testClass) {
        return seconds.getOrDefault(testClass, unknown);
    }

    public boolean knows(String testClass) {
        return seconds.containsKey(testClass);
    }
}
