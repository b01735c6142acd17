package io.zdtmudp.harness.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/** What happened to each test of one plan, in the order they finished, and what artifacts they left. */
final class RunRecord {
    /** The key ZdtmExtension publishes a failed test's artifact directory under. */
    static final String ARTIFACTS_KEY = "zdtm.artifacts";
    /** The key ZdtmExtension publishes the guest kernel's release under (ZdtmExtension.KERNEL_REPORT_KEY). */
    static final String KERNEL_KEY = "zdtm.kernel";
    /** The keys ZdtmExtension publishes a test's time split under, in milliseconds (ZdtmExtension.TIME_*_KEY). */
    static final String TIME_VM_KEY = "zdtm.time.vm-wait.ms";
    static final String TIME_CRIU_KEY = "zdtm.time.criu.ms";
    static final String TIME_GUEST_KEY = "zdtm.time.guest.ms";
    static final String TIME_SETUP_KEY = "zdtm.time.setup.ms";

    private final TestPlan plan;
    private final long startNanos = System.nanoTime();
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, List<Path>> files = new ConcurrentHashMap<>();
    private final Map<String, ReportRow> rows = new LinkedHashMap<>();
    private final Set<String> kernels = new ConcurrentSkipListSet<>();
    private final Map<String, TimeSplit> times = new ConcurrentHashMap<>();
    private final Map<String, String> figures = new ConcurrentHashMap<>();

    RunRecord(TestPlan plan) {
        this.plan = plan;
    }

    void started(TestIdentifier id) {
        started.put(id.getUniqueId(), System.nanoTime());
    }

    /** An artifact directory: every file in it is linked when the report is written. */
    void artifactDirectory(TestIdentifier id, Path dir) {
        files.computeIfAbsent(id.getUniqueId(), k -> new ArrayList<>()).add(dir);
    }

    void kernel(String release) {
        kernels.add(release);
    }

    /** The guest kernels the run's tests reported, sorted. */
    List<String> kernels() {
        return List.copyOf(kernels);
    }

    /** A test's time split, from the entry ZdtmExtension published; an entry without the first three keys is not one. */
    void times(TestIdentifier id, Map<String, String> entry) {
        String vm = entry.get(TIME_VM_KEY);
        String criu = entry.get(TIME_CRIU_KEY);
        String guest = entry.get(TIME_GUEST_KEY);
        String setup = entry.getOrDefault(TIME_SETUP_KEY, "0");
        if (vm != null && criu != null && guest != null) {
            times.put(id.getUniqueId(), new TimeSplit(millis(vm), millis(criu), millis(guest), millis(setup)));
        }
    }

    /**
     * What a test itself published ({@code TestReporter}, keys outside the harness's {@code zdtm.} ones): the
     * figures it measured, shown with its verdict.
     */
    void figures(TestIdentifier id, Map<String, String> entry) {
        entry.forEach((k, v) -> {
            if (!k.startsWith("zdtm.")) {
                // publishEntry(value) names its one entry "value"
                figures.merge(id.getUniqueId(), k.equals("value") ? v : k + ": " + v, (a, b) -> a + "; " + b);
            }
        });
    }

    private static Duration millis(String ms) {
        return Duration.ofMillis(Long.parseLong(ms.strip()));
    }

    void file(TestIdentifier id, Path file) {
        files.computeIfAbsent(id.getUniqueId(), k -> new ArrayList<>()).add(file);
    }

    synchronized void skipped(TestIdentifier id, String reason) {
        add(id, Verdict.SKIPPED, Duration.ZERO, reason == null ? "" : reason);
    }

    synchronized void finished(TestIdentifier id, TestExecutionResult result) {
        Verdict verdict = Verdict.of(result);
        // A container that passed says nothing its tests do not; one that failed may have run none of them.
        if (id.isContainer() && verdict == Verdict.PASSED) {
            return;
        }
        Long t0 = started.get(id.getUniqueId());
        Duration took = t0 == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - t0);
        String message = result.getThrowable().map(t -> firstLine(t.toString())).orElse("");
        add(id, verdict, took, message);
    }

    private void add(TestIdentifier id, Verdict verdict, Duration took, String message) {
        TestPath path = TestPath.of(plan, id);
        rows.put(id.getUniqueId(), new ReportRow(path.testClass(), path.testCase(), path.flavor(), verdict, took, message, List.of()));
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** The rows, each with the files its artifact directories hold now. */
    synchronized List<ReportRow> rows() {
        List<ReportRow> out = new ArrayList<>();
        for (Map.Entry<String, ReportRow> e : rows.entrySet()) {
            ReportRow r = e.getValue();
            String fig = figures.get(e.getKey());
            String message = fig == null ? r.message() : r.message().isEmpty() ? fig : r.message() + " [" + fig + "]";
            out.add(new ReportRow(r.testClass(), r.testCase(), r.flavor(), r.verdict(), r.duration(), message,
                    expand(files.getOrDefault(e.getKey(), List.of())), "", Optional.ofNullable(times.get(e.getKey()))));
        }
        return out;
    }

    /**
     * The files of the artifact directories; published files only when there is no directory, since the
     * harness publishes copies of what its directory holds.
     */
    private static List<Path> expand(List<Path> paths) {
        List<Path> dirs = paths.stream().filter(Files::isDirectory).toList();
        if (dirs.isEmpty()) {
            return paths.stream().distinct().toList();
        }
        List<Path> out = new ArrayList<>();
        for (Path d : dirs) {
            try (Stream<Path> s = Files.list(d)) {
                s.filter(Files::isRegularFile).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
