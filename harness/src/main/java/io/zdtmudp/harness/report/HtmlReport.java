package io.zdtmudp.harness.report;

import java.nio.file.Path;
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
 * The run as one self-contained page (inline CSS, no script): totals, a cases x flavors matrix per class, in a
 * merged page a cases x modes x flavors table, and
 * every row with its duration, message and links to its artifacts. Written as well-formed XHTML so tools (and
 * the tests) can read it back with any XML parser.
 */
final class HtmlReport {
    private static final String CSS = """
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
            table{border-collapse:collapse;margin:.5em 0 1.5em}
            th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
            th{background:#f3f3f3}
            .passed{background:#dff3df}.failed{background:#f8d7d7}.aborted{background:#fff0c2}.skipped{background:#eee;color:#666}
            .num{text-align:right}.msg{font-family:monospace;font-size:12px;max-width:60em;overflow-wrap:anywhere}
            .wide{overflow-x:auto}
            """;

    /** Issue #18's bound on the harness's own time per test. */
    static final Duration OVERHEAD_TARGET = Duration.ofMillis(200);

    private HtmlReport() {
    }

    static String render(String title, String subtitle, List<ReportRow> rows, Duration wall, Path reportDir) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head><meta charset=\"utf-8\"/>")
                .append("<title>").append(esc(title)).append("</title><style>").append(CSS).append("</style></head>\n<body>\n")
                .append("<h1>").append(esc(title)).append("</h1>\n<p>").append(esc(subtitle)).append("</p>\n");
        totals(h, rows, wall);
        overhead(h, rows);
        matrices(h, rows);
        if (rows.stream().anyMatch(r -> !r.run().isEmpty())) {
            runs(h, rows);
        }
        details(h, rows, reportDir);
        return h.append("</body>\n</html>\n").toString();
    }

    private static void totals(StringBuilder h, List<ReportRow> rows, Duration wall) {
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            counts.put(v, 0);
        }
        rows.forEach(r -> counts.merge(r.verdict(), 1, Integer::sum));
        h.append("<table id=\"totals\"><tr><th>rows</th>");
        for (Verdict v : Verdict.values()) {
            h.append("<th class=\"").append(v.cssClass()).append("\">").append(v.cssClass()).append("</th>");
        }
        h.append("<th>wall time</th></tr>\n<tr><td class=\"num\" data-total=\"rows\">").append(rows.size()).append("</td>");
        for (Verdict v : Verdict.values()) {
            h.append("<td class=\"num\" data-total=\"").append(v.cssClass()).append("\">").append(counts.get(v)).append("</td>");
        }
        h.append("<td class=\"num\">").append(seconds(wall)).append("</td></tr></table>\n");
    }

    /**
     * The harness's own share of each test's time (wall time minus VM wait, CRIU and the guest's other commands),
     * over the tests that ran with a guest: its median, 90th percentile and maximum against the 0.2 s target.
     */
    private static void overhead(StringBuilder h, List<ReportRow> rows) {
        List<Duration> own = rows.stream().flatMap(r -> r.harness().stream()).sorted().toList();
        if (own.isEmpty()) {
            return;
        }
        long over = own.stream().filter(d -> d.compareTo(OVERHEAD_TARGET) > 0).count();
        Duration criu = Duration.ZERO;
        Duration guest = Duration.ZERO;
        Duration vm = Duration.ZERO;
        Duration setup = Duration.ZERO;
        for (ReportRow r : rows) {
            if (r.times().isPresent()) {
                setup = setup.plus(r.times().get().setup());
                criu = criu.plus(r.times().get().criu());
                guest = guest.plus(r.times().get().guest());
                vm = vm.plus(r.times().get().vmWait());
            }
        }
        h.append("<h2>Harness overhead per test</h2>\n<table id=\"overhead\"><tr><th>tests timed</th><th>median (s)</th>")
                .append("<th>90th percentile (s)</th><th>max (s)</th><th>over ").append(seconds(OVERHEAD_TARGET))
                .append(" s</th><th>sum CRIU (s)</th><th>sum guest commands (s)</th><th>sum VM wait (s)</th><th>sum harness in the guest (s)</th></tr>\n<tr>")
                .append("<td class=\"num\" data-overhead=\"tests\">").append(own.size()).append("</td>")
                .append("<td class=\"num\" data-overhead=\"median\">").append(seconds(own.get((own.size() - 1) / 2))).append("</td>")
                .append("<td class=\"num\" data-overhead=\"p90\">").append(seconds(own.get((int) Math.ceil(own.size() * 0.9) - 1)))
                .append("</td><td class=\"num\" data-overhead=\"max\">").append(seconds(own.get(own.size() - 1))).append("</td>")
                .append("<td class=\"num\" data-overhead=\"over\">").append(over).append("</td><td class=\"num\">")
                .append(seconds(criu)).append("</td><td class=\"num\">").append(seconds(guest)).append("</td><td class=\"num\">")
                .append(seconds(vm)).append("</td><td class=\"num\" data-overhead=\"setup\">").append(seconds(setup))
                .append("</td></tr></table>\n<p>The harness's share of a test is its wall time less what it ")
                .append("waited for: a VM, CRIU (its commands, over RPC too, and its daemons), and the test's other guest commands ")
                .append("(the workload's, and what the case reads back). It keeps the harness's own work in the guest around the ")
                .append("test: its netns, its work directory, the kernel health check (shown apart as the harness's time in the guest).</p>\n");
    }

    /** Per class: one row per case, one column per flavor seen in that class. */
    private static void matrices(StringBuilder h, List<ReportRow> rows) {
        Map<String, List<ReportRow>> byClass = new LinkedHashMap<>();
        rows.forEach(r -> byClass.computeIfAbsent(r.testClass(), k -> new ArrayList<>()).add(r));
        h.append("<h2>Cases x flavors</h2>\n");
        for (Map.Entry<String, List<ReportRow>> c : byClass.entrySet()) {
            Set<String> flavors = new LinkedHashSet<>();
            Map<String, Map<String, ReportRow>> cases = new LinkedHashMap<>();
            for (ReportRow r : c.getValue()) {
                flavors.add(r.flavor());
                cases.computeIfAbsent(r.testCase(), k -> new LinkedHashMap<>()).put(r.flavor(), r);
            }
            h.append("<h3>").append(esc(c.getKey())).append("</h3>\n<div class=\"wide\"><table class=\"matrix\" data-class=\"")
                    .append(esc(c.getKey())).append("\"><tr><th>case</th>");
            flavors.forEach(f -> h.append("<th>").append(esc(f.isEmpty() ? "-" : f)).append("</th>"));
            h.append("</tr>\n");
            cases.forEach((name, cells) -> verdictRow(h, name, flavors, cells, "data-flavor"));
            h.append("</table></div>\n");
        }
    }

    /**
     * A merged page's runs side by side: one row per invocation (class, case and its parameters), one column
     * per mode and flavor it ran in, so a case that passes plainly and fails under one mode shows as such.
     */
    private static void runs(StringBuilder h, List<ReportRow> rows) {
        Set<String> runs = new LinkedHashSet<>();
        Map<String, Map<String, ReportRow>> invocations = new LinkedHashMap<>();
        for (ReportRow r : rows) {
            runs.add(r.run());
            String key = r.testClass() + " " + r.testCase() + (r.flavor().isEmpty() ? "" : " [" + r.flavor() + "]");
            invocations.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(r.run(), r);
        }
        h.append("<h2>Cases x modes x flavors</h2>\n<div class=\"wide\"><table id=\"runs\"><tr><th>case</th>");
        runs.forEach(m -> h.append("<th>").append(esc(m.isEmpty() ? "-" : m)).append("</th>"));
        h.append("</tr>\n");
        invocations.forEach((name, cells) -> verdictRow(h, name, runs, cells, "data-run"));
        h.append("</table></div>\n");
    }

    /** A row of a matrix: its name, then each column's verdict (empty where it did not run), tagged by {@code attr}. */
    private static void verdictRow(StringBuilder h, String name, Set<String> columns, Map<String, ReportRow> cells, String attr) {
        h.append("<tr><td>").append(esc(name)).append("</td>");
        for (String c : columns) {
            ReportRow r = cells.get(c);
            if (r == null) {
                h.append("<td></td>");
            } else {
                h.append("<td class=\"").append(r.verdict().cssClass()).append("\" ").append(attr).append("=\"").append(esc(c))
                        .append("\">").append(r.verdict().cssClass()).append("</td>");
            }
        }
        h.append("</tr>\n");
    }

    private static void details(StringBuilder h, List<ReportRow> rows, Path reportDir) {
        h.append("<h2>Every row</h2>\n<table id=\"details\"><thead><tr><th>class</th><th>case</th><th>flavor</th>")
                .append("<th>verdict</th><th>duration (s)</th><th>message</th><th>artifacts</th><th>VM wait (s)</th>")
                .append("<th>CRIU (s)</th><th>guest commands (s)</th><th>harness (s)</th><th>of it in the guest (s)</th></tr></thead><tbody>\n");
        for (ReportRow r : rows) {
            h.append("<tr class=\"").append(r.verdict().cssClass()).append("\" data-class=\"").append(esc(r.testClass()))
                    .append("\" data-case=\"").append(esc(r.testCase())).append("\" data-flavor=\"").append(esc(r.flavor()))
                    .append("\" data-run=\"").append(esc(r.run())).append("\" data-verdict=\"").append(r.verdict()).append("\"");
            r.times().ifPresent(t -> h.append(" data-vm-ms=\"").append(t.vmWait().toMillis()).append("\" data-criu-ms=\"")
                    .append(t.criu().toMillis()).append("\" data-guest-ms=\"").append(t.guest().toMillis()).append("\" data-setup-ms=\"")
                    .append(t.setup().toMillis()).append('"'));
            h.append(">")
                    .append("<td>").append(esc(r.testClass())).append("</td><td>").append(esc(r.testCase())).append("</td><td>")
                    .append(esc(r.flavor())).append("</td><td>").append(r.verdict().cssClass()).append("</td><td class=\"num\">")
                    .append(seconds(r.duration())).append("</td><td class=\"msg\">").append(esc(r.message())).append("</td><td>");
            String sep = "";
            for (Path a : r.artifacts()) {
                h.append(sep).append("<a href=\"").append(esc(href(reportDir, a))).append("\">").append(esc(a.getFileName().toString()))
                        .append("</a>");
                sep = " ";
            }
            h.append("</td>");
            if (r.times().isPresent()) {
                TimeSplit t = r.times().get();
                h.append("<td class=\"num\">").append(seconds(t.vmWait())).append("</td><td class=\"num\">").append(seconds(t.criu()))
                        .append("</td><td class=\"num\">").append(seconds(t.guest())).append("</td><td class=\"num\" data-harness=\"")
                        .append(r.harness().orElseThrow().toMillis()).append("\">").append(seconds(r.harness().orElseThrow()))
                        .append("</td><td class=\"num\">").append(seconds(t.setup())).append("</td>");
            } else {
                h.append("<td></td><td></td><td></td><td></td><td></td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    /** A link that still works when the report and target/ are copied elsewhere together. */
    static String href(Path reportDir, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        String rel = reportDir.toAbsolutePath().normalize().relativize(abs).toString().replace('\\', '/');
        StringBuilder out = new StringBuilder();
        for (char c : rel.toCharArray()) {
            if (Character.isLetterOrDigit(c) && c < 0x80 || "/._-~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    out.append(String.format("%%%02X", b & 0xff));
                }
            }
        }
        return out.toString();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f", d.toMillis() / 1000.0);
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c < 0x20 && c != '\t' ? ' ' : c);
            }
        }
        return out.toString();
    }
}
