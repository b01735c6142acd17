package io.zdtmudp.bench;

import io.zdtmudp.harness.vm.GuestImage;
import io.zdtmudp.harness.udp.QueueInjection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Renders one bench run: the markdown report (stdout and docs/BENCHMARKS.md) and the CSV files
 * under target/bench/. Every ratio is between medians of the same run.
 */
final class BenchReport {
    /** Where the markdown goes; default docs/BENCHMARKS.md at the repository root. */
    static final String DOCS_PROPERTY = "zdtm.bench.docs";

    /** Issue #18: start from a snapshot to a test's first command. */
    static final long START_TARGET_MS = 250;

    private BenchReport() {}

    static void write(List<QueueLoad> loads, List<QueueInjection> paths) {
        Path cwd = Path.of(System.getProperty("user.dir"));
        String md = markdown(loads, paths);
        System.out.println(md);
        Path csvDir = cwd.resolve("target").resolve("bench");
        writeText(csvDir.resolve("boot.csv"), bootCsv());
        writeText(csvDir.resolve("cr-samples.csv"), samplesCsv());
        writeText(csvDir.resolve("plain.csv"), plainCsv(loads));
        writeText(csvDir.resolve("cr-summary.csv"), summaryCsv(loads, paths));
        writeText(csvDir.resolve("BENCHMARKS.md"), md);
        docsFile(cwd).ifPresent(f -> {
            writeText(f, withHandWritten(md, readIfExists(f)));
            System.out.println("bench: wrote " + f + " and " + csvDir + "/*.csv");
        });
    }

    static String markdown(List<QueueLoad> loads, List<QueueInjection> paths) {
        StringBuilder b = new StringBuilder();
        b.append("# Benchmarks\n\n");
        b.append("Measured by `mvn -Pbench verify -pl zdtm-tests` (classes `io.zdtmudp.bench.*Bench`) on ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE)).append(".\n\n");
        b.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs (nproc), ")
                .append(cpuModel()).append("; guest under QEMU TCG (`-accel tcg -cpu max`), ")
                .append(guestDescription()).append(".\n");
        b.append("The machine is shared with other builds: figures are medians with (min-max), "
                + "and every ratio compares medians from the same run.\n\n");

        b.append("""
                Run: `mvn -Pbench verify -pl zdtm-tests` (the guest from `vm-images/build`; this file is rewritten by
                each run). `-Dzdtm.bench.reps=N` (default 3) and `-Dzdtm.bench.boots=N` (default 5) take more samples.
                Raw samples: `zdtm-tests/target/bench/{boot,cr-samples,plain,cr-summary}.csv`.

                """);
        b.append("## Boot to agent-ready\n\n");
        List<Double> boots = BenchResults.boots();
        if (boots.isEmpty()) {
            b.append("Not measured in this run (BootBench did not run).\n\n");
        } else {
            b.append("From the start call to the guest agent ready with the host share mounted, a fresh VM each time.\n\n");
            b.append("- cold boot: **").append(Summary.of(boots).format()).append(" ms** over ").append(boots.size()).append(" boots\n");
            List<Double> snaps = BenchResults.snapshotStarts();
            if (!snaps.isEmpty()) {
                b.append("- from a snapshot: **").append(Summary.of(snaps).format()).append(" ms** over ").append(snaps.size())
                        .append(" starts, alternating with the cold boots; ")
                        .append(String.format(Locale.ROOT, "%.2f", Summary.of(snaps).median() / Summary.of(boots).median()))
                        .append(" of the cold median; snapshot file ").append(bytes(BenchResults.snapshotBytes())).append("\n");
                for (SnapshotGap gap : SnapshotGap.values()) {
                    List<Double> g = BenchResults.snapshotStarts(gap);
                    if (!g.isEmpty()) {
                        b.append("- from a snapshot, ").append(gap.label()).append(": **").append(Summary.of(g).format())
                                .append(" ms** over ").append(g.size()).append(" starts\n");
                    }
                }
                if (!BenchResults.loadedRssMib().isEmpty()) {
                    b.append("- QEMU's resident memory once started from the snapshot: ")
                            .append(Summary.of(BenchResults.loadedRssMib()).format())
                            .append(" MiB: the load writes the whole guest RAM, so host memory decides its cost\n");
                }
                b.append("- target (#18) start from a snapshot ≤ ").append(START_TARGET_MS).append(" ms: ")
                        .append(Summary.of(snaps).median() <= START_TARGET_MS ? "**met**" : "**not met**")
                        .append(" (alternating median)\n");
            }
            b.append("\n");
        }

        b.append("## Queue checkpoint/restore cost against queue size\n\n");
        b.append(crTable(loads, paths));
        b.append("\n");
        b.append("""
                - *dump*, *restore*: CRIU's own run time (the last timestamp of its log), median (min-max) ms.
                - *queue's share*: (a) the same column minus the same process with an empty queue (row `empty`),
                  and that as a fraction of the total; `~0` when it is smaller than the empty row's own spread.
                  Below about 100 KiB a queue costs less than CRIU's run-to-run noise here, so a small queue's
                  share can show noise; the *engine* columns isolate the queue.
                - *engine*: what the engine's own log lines say: on dump, the gap before `udp: Dumped N datagrams`
                  (peek and image write); on restore, the `in T ms` of `udp: Restored N datagrams ... through PATH`.
                - *plain*: (b) the physical limit, in the same guest without CRIU: the workload (udpq) sends the
                  same datagrams once (*send*), or sends and drains them (*send+drain*), timed by two busybox
                  `adjtimex` readings (microseconds; busybox `date` has no `%N`, and kernel log timestamps stall
                  under TCG once the TSC is marked unstable), minus the same pass with nothing to send (`~0`:
                  within that empty pass's spread, so no ratio). The netns's UDP counters prove every datagram
                  was sent (and received) and none dropped. udpq's drain writes every received byte as hex,
                  one `fprintf` per byte, so *send+drain* is far above a plain receive; *send* is the clean figure.
                - *engine / send*: the engine's own queue time divided by the plain send pass: how many plain
                  sends of the same bytes the queue's dump (or restore) costs.
                - *image*: the udp-queue-*.img files of the dump.

                """);

        b.append("## Harness overhead per case\n\n");
        b.append(overheadTable(loads));
        b.append("""

                - *case*: one C/R case as a test sees it: start the workload and wait until it is ready, dump, copy
                  the images to the host and decode them, restore, kill the workload.
                - *CRIU calls*: `CriuResult.duration()` of the dump plus the restore (agent round trip included).
                - *overhead*: case minus CRIU calls. *agent+exec*: CRIU calls minus CRIU's own logged run time.
                Not included: the per-test netns setup and teardown, and the kernel health check after each test.
                """);
        return b.toString();
    }

    private static String crTable(List<QueueLoad> loads, List<QueueInjection> paths) {
        StringBuilder t = new StringBuilder();
        t.append("| queue | restore path | image | dump ms | restore ms | queue's share: dump / restore "
                + "| engine: dump / restore ms | plain: send / send+drain ms | engine / send: dump / restore |\n");
        t.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (QueueLoad load : loads) {
            for (QueueInjection path : paths) {
                List<CrSample> s = BenchResults.crSamples(load, path);
                List<CrSample> empty = BenchResults.crSamples(QueueLoad.EMPTY, path);
                if (s.isEmpty()) {
                    continue;
                }
                Summary dump = summary(s, CrSample::dumpCriu);
                Summary restore = summary(s, CrSample::restoreCriu);
                t.append("| ").append(load.label()).append(" | ").append(path.pathName()).append(" | ")
                        .append(bytes(median(s, c -> c.imageBytes()))).append(" | ")
                        .append(dump.format()).append(" | ").append(restore.format()).append(" | ");
                if (load.count() == 0 || empty.isEmpty()) {
                    t.append("- | - | - | - |\n");
                    continue;
                }
                double engineDump = median(s, CrSample::dumpQueue);
                double engineRestore = median(s, CrSample::restoreQueue);
                t.append(share(dump, summary(empty, CrSample::dumpCriu))).append(" / ")
                        .append(share(restore, summary(empty, CrSample::restoreCriu))).append(" | ")
                        .append(String.format(Locale.ROOT, "%.1f / %.0f | ", engineDump, engineRestore));
                Optional<Double> send = plainShare(load, PlainPass.Kind.SEND);
                Optional<Double> drain = plainShare(load, PlainPass.Kind.SEND_AND_DRAIN);
                t.append(send.map(BenchReport::ms).orElse("~0")).append(" / ")
                        .append(drain.map(BenchReport::ms).orElse("~0")).append(" | ");
                t.append(send.map(p -> ratio(engineDump, p) + " / " + ratio(engineRestore, p)).orElse("-")).append(" |\n");
            }
        }
        return t.toString();
    }

    /** A queue's share of a total: its median minus the empty queue's, unless that is within the empty's spread. */
    static String share(Summary total, Summary empty) {
        double share = total.median() - empty.median();
        if (share <= empty.max() - empty.min()) {
            return "~0";
        }
        return String.format(Locale.ROOT, "%.0f ms (%.0f%%)", share, 100 * share / total.median());
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, v < 10 ? "%.1f" : "%.0f", v);
    }

    private static String overheadTable(List<QueueLoad> loads) {
        StringBuilder t = new StringBuilder();
        t.append("| queue | case ms | CRIU calls ms | overhead ms | overhead % | agent+exec ms |\n");
        t.append("|---|---:|---:|---:|---:|---:|\n");
        List<CrSample> all = new ArrayList<>();
        for (QueueLoad load : loads) {
            List<CrSample> s = BenchResults.crSamples().stream().filter(c -> c.load().equals(load)).toList();
            if (s.isEmpty()) {
                continue;
            }
            all.addAll(s);
            t.append(overheadRow(load.label(), s));
        }
        if (!all.isEmpty()) {
            t.append(overheadRow("**all cases**", all));
        }
        return t.toString();
    }

    private static String overheadRow(String label, List<CrSample> s) {
        double wall = median(s, CrSample::caseWall);
        double calls = median(s, c -> c.dumpCall() + c.restoreCall());
        double over = median(s, CrSample::harnessOverhead);
        return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %s | %.0f%% | %.0f |\n", label, wall, calls,
                summary(s, CrSample::harnessOverhead).format(), 100 * over / wall, median(s, CrSample::callOverhead));
    }

    /**
     * The plain pass of a load minus the same pass with nothing to send: the time the bytes themselves
     * take; empty when not measured or within the noise.
     */
    static Optional<Double> plainShare(QueueLoad load, PlainPass.Kind kind) {
        List<Double> p = BenchResults.plain(load, kind);
        List<Double> e = BenchResults.plain(QueueLoad.EMPTY, kind);
        if (p.isEmpty() || e.isEmpty()) {
            return Optional.empty();
        }
        Summary empty = Summary.of(e);
        double share = Summary.of(p).median() - empty.median();
        // Below the empty pass's own spread the difference is noise, not the bytes' cost.
        return share <= empty.max() - empty.min() ? Optional.empty() : Optional.of(share);
    }

    private static String ratio(double share, double plain) {
        double r = share / plain;
        return String.format(Locale.ROOT, r < 10 ? "%.2f" : "%.0f", r);
    }

    private static Summary summary(List<CrSample> s, ToDoubleFunction<CrSample> f) {
        return Summary.of(s.stream().map(c -> f.applyAsDouble(c)).toList());
    }

    private static double median(List<CrSample> s, ToDoubleFunction<CrSample> f) {
        return summary(s, f).median();
    }

    static String bytes(double n) {
        if (n < 10 * 1024) {
            return String.format(Locale.ROOT, "%.0f B", n);
        }
        if (n < 10 * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.0f KiB", n / 1024);
        }
        return String.format(Locale.ROOT, "%.1f MiB", n / (1024 * 1024));
    }

    private static String bootCsv() {
        StringBuilder b = new StringBuilder("boot,start,ms\n");
        List<Double> boots = BenchResults.boots();
        for (int i = 0; i < boots.size(); i++) {
            b.append(i + 1).append(",cold,").append(String.format(Locale.ROOT, "%.3f", boots.get(i))).append('\n');
        }
        List<Double> snaps = BenchResults.snapshotStarts();
        for (int i = 0; i < snaps.size(); i++) {
            b.append(i + 1).append(",snapshot,").append(String.format(Locale.ROOT, "%.3f", snaps.get(i))).append('\n');
        }
        for (SnapshotGap gap : SnapshotGap.values()) {
            List<Double> g = BenchResults.snapshotStarts(gap);
            for (int i = 0; i < g.size(); i++) {
                b.append(i + 1).append(",snapshot ").append(gap.label()).append(',')
                        .append(String.format(Locale.ROOT, "%.3f", g.get(i))).append('\n');
            }
        }
        return b.toString();
    }

    private static String samplesCsv() {
        StringBuilder b = new StringBuilder(CrSample.csvHeader()).append('\n');
        BenchResults.crSamples().forEach(s -> b.append(s.csv()).append('\n'));
        return b.toString();
    }

    private static String plainCsv(List<QueueLoad> loads) {
        StringBuilder b = new StringBuilder("count,length,pass,rep,ms\n");
        for (PlainPass.Kind kind : PlainPass.Kind.values()) {
            for (QueueLoad load : loads) {
                List<Double> p = BenchResults.plain(load, kind);
                for (int i = 0; i < p.size(); i++) {
                    b.append(String.format(Locale.ROOT, "%d,%d,%s,%d,%.3f%n", load.count(), load.length(),
                            kind.name().toLowerCase(Locale.ROOT), i + 1, p.get(i)));
                }
            }
        }
        return b.toString();
    }

    private static String summaryCsv(List<QueueLoad> loads, List<QueueInjection> paths) {
        StringBuilder b = new StringBuilder("count,length,path,n,image_bytes,dump_ms,dump_min,dump_max,restore_ms,"
                + "restore_min,restore_max,dump_share_ms,restore_share_ms,engine_dump_ms,engine_restore_ms,"
                + "plain_send_ms,plain_send_drain_ms,engine_dump_x_send,engine_restore_x_send\n");
        for (QueueLoad load : loads) {
            for (QueueInjection path : paths) {
                List<CrSample> s = BenchResults.crSamples(load, path);
                List<CrSample> empty = BenchResults.crSamples(QueueLoad.EMPTY, path);
                if (s.isEmpty() || empty.isEmpty()) {
                    continue;
                }
                Summary d = summary(s, CrSample::dumpCriu);
                Summary r = summary(s, CrSample::restoreCriu);
                double ds = d.median() - summary(empty, CrSample::dumpCriu).median();
                double rs = r.median() - summary(empty, CrSample::restoreCriu).median();
                double p = plainShare(load, PlainPass.Kind.SEND).orElse(Double.NaN);
                double pd = plainShare(load, PlainPass.Kind.SEND_AND_DRAIN).orElse(Double.NaN);
                double ed = median(s, CrSample::dumpQueue);
                double er = median(s, CrSample::restoreQueue);
                b.append(String.format(Locale.ROOT, "%d,%d,%s,%d,%.0f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f%n",
                        load.count(), load.length(), path.pathName(), d.n(), median(s, c -> c.imageBytes()),
                        d.median(), d.min(), d.max(), r.median(), r.min(), r.max(), ds, rs,
                        ed, er, p, pd, load.count() == 0 ? Double.NaN : ed / p, load.count() == 0 ? Double.NaN : er / p));
            }
        }
        return b.toString();
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU (" + e.getMessage() + ")";
        }
    }

    private static String guestDescription() {
        try {
            GuestImage image = GuestImage.locate(System.getProperty(GuestImage.PROPERTY), Path.of(System.getProperty("user.dir")));
            var m = image.manifest();
            return "kernel " + m.getOrDefault("KERNEL_VERSION", "?") + " (" + m.getOrDefault("KERNEL_HASH", "?")
                    + "), CRIU " + m.getOrDefault("CRIU_VERSION", "?") + " (" + m.getOrDefault("CRIU_HASH", "?") + ")";
        } catch (RuntimeException e) {
            return "guest image unknown (" + e.getMessage() + ")";
        }
    }

    /** docs/BENCHMARKS.md at the repository root (the first directory above holding vm-images/), if found. */
    /** Below this line docs/BENCHMARKS.md is written by hand (analyses, micro-benchmarks); a run keeps it. */
    static final String HAND_WRITTEN_MARKER = "<!-- Written by hand below this line: BenchReport keeps it. -->";

    static String withHandWritten(String generated, Optional<String> previous) {
        return previous.map(p -> p.indexOf(HAND_WRITTEN_MARKER))
                .filter(i -> i >= 0)
                .map(i -> generated + "\n" + previous.get().substring(i))
                .orElse(generated);
    }

    private static Optional<String> readIfExists(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    static Optional<Path> docsFile(Path start) {
        String forced = System.getProperty(DOCS_PROPERTY);
        if (forced != null && !forced.isBlank()) {
            return Optional.of(Path.of(forced));
        }
        for (Path d = start.toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("vm-images"))) {
                return Optional.of(d.resolve("docs").resolve("BENCHMARKS.md"));
            }
        }
        System.err.println("bench: no repository root above " + start + "; docs/BENCHMARKS.md not written");
        return Optional.empty();
    }

    private static void writeText(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }
}
