package io.zdtmudp.bench;

import io.zdtmudp.harness.udp.QueueInjection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every measurement of one bench run. The bench classes run in one JVM, in order, so the last one
 * renders the report from what all of them recorded here.
 */
final class BenchResults {
    private static final List<Double> BOOTS = new ArrayList<>();
    private static final List<Double> SNAPSHOT_STARTS = new ArrayList<>();
    private static final Map<SnapshotGap, List<Double>> GAPPED_STARTS = new java.util.EnumMap<>(SnapshotGap.class);
    private static final List<Double> LOADED_RSS_MIB = new ArrayList<>();
    private static long snapshotBytes;
    private static final List<CrSample> CR = new ArrayList<>();
    private static final Map<PlainPass.Kind, Map<QueueLoad, List<Double>>> PLAIN = new java.util.EnumMap<>(PlainPass.Kind.class);

    private BenchResults() {}

    static synchronized void bootMillis(double ms) {
        BOOTS.add(ms);
    }

    static synchronized void snapshotStartMillis(double ms) {
        SNAPSHOT_STARTS.add(ms);
    }

    static synchronized void snapshotStartMillis(SnapshotGap gap, double ms) {
        GAPPED_STARTS.computeIfAbsent(gap, g -> new ArrayList<>()).add(ms);
    }

    static synchronized List<Double> snapshotStarts(SnapshotGap gap) {
        return List.copyOf(GAPPED_STARTS.getOrDefault(gap, List.of()));
    }

    /** QEMU's resident memory once a snapshot start is ready. */
    static synchronized void loadedRssMib(double mib) {
        LOADED_RSS_MIB.add(mib);
    }

    static synchronized List<Double> loadedRssMib() {
        return List.copyOf(LOADED_RSS_MIB);
    }

    static synchronized void snapshotBytes(long bytes) {
        snapshotBytes = bytes;
    }

    static synchronized List<Double> snapshotStarts() {
        return List.copyOf(SNAPSHOT_STARTS);
    }

    static synchronized long snapshotBytes() {
        return snapshotBytes;
    }

    static synchronized void cr(CrSample s) {
        CR.add(s);
    }

    static synchronized void plainMillis(QueueLoad load, PlainPass.Kind kind, double ms) {
        PLAIN.computeIfAbsent(kind, k -> new java.util.HashMap<>()).computeIfAbsent(load, k -> new ArrayList<>()).add(ms);
    }

    static synchronized List<Double> boots() {
        return List.copyOf(BOOTS);
    }

    static synchronized List<CrSample> crSamples() {
        return List.copyOf(CR);
    }

    static synchronized List<CrSample> crSamples(QueueLoad load, QueueInjection path) {
        return CR.stream().filter(s -> s.load().equals(load) && s.path() == path).collect(Collectors.toList());
    }

    static synchronized List<Double> plain(QueueLoad load, PlainPass.Kind kind) {
        return List.copyOf(PLAIN.getOrDefault(kind, Map.of()).getOrDefault(load, List.of()));
    }
}
