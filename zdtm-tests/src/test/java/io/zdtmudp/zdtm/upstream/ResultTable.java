package io.zdtmudp.zdtm.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Verdicts and times of a run, one row per test and one column per flavor, plus each flavor's wall time:
 * what the build prints at the end, and (as TSV, phase by phase) what it keeps under target/.
 */
final class ResultTable {
    private final Map<String, Map<Flavor, CaseResult>> rows = new LinkedHashMap<>();
    private final Map<Flavor, Duration> wall = new EnumMap<>(Flavor.class);

    synchronized void add(String zdtmName, Flavor flavor, CaseResult result) {
        rows.computeIfAbsent(zdtmName, k -> new EnumMap<>(Flavor.class)).put(flavor, result);
        wall.merge(flavor, result.total(), Duration::plus);
    }

    synchronized boolean isEmpty() {
        return rows.isEmpty();
    }

    synchronized String render(String title) {
        Set<Flavor> flavors = new LinkedHashSet<>();
        for (Flavor f : Flavor.values()) {
            if (wall.containsKey(f)) {
                flavors.add(f);
            }
        }
        int nameWidth = Math.max(24, rows.keySet().stream().mapToInt(String::length).max().orElse(0) + 2);
        StringBuilder sb = new StringBuilder();
        sb.append(title).append('\n');
        sb.append(pad("test", nameWidth));
        for (Flavor f : flavors) {
            sb.append(pad(f.code(), 16));
        }
        sb.append('\n');
        for (Map.Entry<String, Map<Flavor, CaseResult>> row : rows.entrySet()) {
            sb.append(pad(row.getKey(), nameWidth));
            for (Flavor f : flavors) {
                CaseResult r = row.getValue().get(f);
                sb.append(pad(r == null ? "-" : r.zdtmWord() + (r.verdict() == CaseResult.Verdict.SKIP ? ""
                        : " " + seconds(r.total())), 16));
            }
            sb.append('\n');
        }
        sb.append(pad("wall time", nameWidth));
        for (Flavor f : flavors) {
            sb.append(pad(seconds(wall.get(f)), 16));
        }
        sb.append('\n');
        sb.append(pad("passed/run", nameWidth));
        for (Flavor f : flavors) {
            long run = rows.values().stream().map(m -> m.get(f))
                    .filter(r -> r != null && r.verdict() != CaseResult.Verdict.SKIP).count();
            long passed = rows.values().stream().map(m -> m.get(f)).filter(r -> r != null && r.passed()).count();
            sb.append(pad(passed + "/" + run, 16));
        }
        sb.append('\n');
        return sb.toString();
    }

    /** One line per run: test, flavor, verdict, total ms, then phase=ms pairs. */
    synchronized String tsv() {
        List<String> lines = new ArrayList<>();
        lines.add("test\tflavor\tverdict\ttotal_ms\tphases");
        for (Map.Entry<String, Map<Flavor, CaseResult>> row : rows.entrySet()) {
            for (Map.Entry<Flavor, CaseResult> cell : row.getValue().entrySet()) {
                CaseResult r = cell.getValue();
                StringBuilder phases = new StringBuilder();
                r.phases().forEach((k, v) -> phases.append(phases.length() == 0 ? "" : " ").append(k.replace(' ', '-'))
                        .append('=').append(v.toMillis()));
                lines.add(row.getKey() + "\t" + cell.getKey().code() + "\t" + r.zdtmWord() + "\t"
                        + r.total().toMillis() + "\t" + phases);
            }
        }
        return String.join("\n", lines) + "\n";
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
