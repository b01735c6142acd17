package io.zdtmudp.harness.report;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * One page from the pages of several runs, as the shards of a CI matrix leave them ({@code ci/merge-reports}):
 * every row of every page, with its artifact links pointing into the page's own directory. Rows of runs on
 * different guest kernels keep their kernel in the class name, so one kernel's cases do not hide another's.
 *
 * <pre>java -cp harness.jar io.zdtmudp.harness.report.MergedReport OUT_DIR PAGE_OR_DIR...</pre>
 */
public final class MergedReport {
    private static final Pattern KERNEL = Pattern.compile("; guest kernel (.+)$");
    private static final Pattern MODE = Pattern.compile("; mode ([^;]+)");
    private static final Pattern FLAVOR = Pattern.compile("; flavor ([^;]+)");

    /** What one page holds. */
    record Part(Path page, String subtitle, String kernel, String run, Duration wall, List<ReportRow> rows) {
    }

    private MergedReport() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: MergedReport OUT_DIR PAGE_OR_DIR...   (a DIR means DIR/index.html)");
            System.exit(2);
        }
        try {
            List<Part> parts = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                parts.add(read(Path.of(args[i])));
            }
            Path page = write(Path.of(args[0]), parts);
            System.out.println("zdtm: merged " + parts.size() + " reports, " + parts.stream().mapToInt(p -> p.rows().size()).sum()
                    + " rows: " + page.toAbsolutePath());
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("merge-reports: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Reads a page this harness wrote; anything else is refused by name. */
    static Part read(Path pageOrDir) throws IOException {
        Path page = Files.isDirectory(pageOrDir) ? pageOrDir.resolve(HtmlReportListener.FILE_NAME) : pageOrDir;
        if (!Files.isRegularFile(page)) {
            throw new IOException("no report page at " + page);
        }
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setExpandEntityReferences(false);
            javax.xml.parsers.DocumentBuilder b = f.newDocumentBuilder();
            // The exception names the problem; the parser's default handler would also print it to stderr.
            b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            doc = b.parse(page.toFile());
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException(page + " is not a zdtm-udp report page: " + e.getMessage(), e);
        }
        Element details = byId(doc, "table", "details");
        Element totals = byId(doc, "table", "totals");
        if (details == null || totals == null) {
            throw new IOException(page + " is not a zdtm-udp report page: it has no totals and details tables");
        }
        String subtitle = text(doc.getElementsByTagName("p").item(0));
        Matcher k = KERNEL.matcher(subtitle);
        String kernel = k.find() ? k.group(1) : "";
        String run = run(subtitle);
        NodeList totalCells = totals.getElementsByTagName("td");
        Duration wall = seconds(text(totalCells.item(totalCells.getLength() - 1)), page);
        Path base = page.toAbsolutePath().getParent();
        List<ReportRow> rows = new ArrayList<>();
        NodeList trs = details.getElementsByTagName("tr");
        for (int i = 0; i < trs.getLength(); i++) {
            Element tr = (Element) trs.item(i);
            if (!tr.hasAttribute("data-verdict")) {
                continue;
            }
            NodeList tds = tr.getElementsByTagName("td");
            List<Path> artifacts = new ArrayList<>();
            NodeList links = tr.getElementsByTagName("a");
            for (int a = 0; a < links.getLength(); a++) {
                String href = ((Element) links.item(a)).getAttribute("href");
                artifacts.add(base.resolve(URLDecoder.decode(href, StandardCharsets.UTF_8)).normalize());
            }
            Verdict verdict;
            try {
                verdict = Verdict.valueOf(tr.getAttribute("data-verdict"));
            } catch (IllegalArgumentException e) {
                throw new IOException(page + ": row " + i + " has an unknown verdict '" + tr.getAttribute("data-verdict") + "'", e);
            }
            // a page merged before keeps each row's own run
            String rowRun = tr.getAttribute("data-run").isEmpty() ? run : tr.getAttribute("data-run");
            rows.add(new ReportRow(tr.getAttribute("data-class"), tr.getAttribute("data-case"), tr.getAttribute("data-flavor"),
                    verdict, seconds(text(tds.item(4)), page), text(tds.item(5)), artifacts, rowRun, times(tr, page, i)));
        }
        return new Part(page, subtitle, kernel, run, wall, rows);
    }

    /** Writes OUT_DIR/index.html; the wall time is the longest part's, as the parts of a matrix run side by side. */
    static Path write(Path outDir, List<Part> parts) throws IOException {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        Set<String> kernels = new LinkedHashSet<>();
        parts.forEach(p -> kernels.add(p.kernel()));
        boolean byKernel = kernels.size() > 1;
        List<ReportRow> rows = new ArrayList<>();
        Duration wall = Duration.ZERO;
        for (Part p : parts) {
            for (ReportRow r : p.rows()) {
                String testClass = byKernel && !p.kernel().isEmpty() ? r.testClass() + " [" + p.kernel() + "]" : r.testClass();
                rows.add(new ReportRow(testClass, r.testCase(), r.flavor(), r.verdict(), r.duration(), r.message(), r.artifacts(),
                        r.run(), r.times()));
            }
            wall = p.wall().compareTo(wall) > 0 ? p.wall() : wall;
        }
        StringBuilder subtitle = new StringBuilder("merged from " + parts.size() + " runs");
        for (Part p : parts) {
            subtitle.append("; ").append(outDir.toAbsolutePath().normalize().relativize(p.page().toAbsolutePath().normalize()))
                    .append(": ").append(p.rows().size()).append(" rows");
        }
        if (!kernels.isEmpty() && !(kernels.size() == 1 && kernels.contains(""))) {
            subtitle.append("; guest kernel ").append(String.join(", ", kernels.stream().filter(s -> !s.isEmpty()).toList()));
        }
        Files.createDirectories(outDir);
        Path page = outDir.resolve(HtmlReportListener.FILE_NAME);
        Files.writeString(page, HtmlReport.render("zdtm-udp test run (merged)", subtitle.toString(), rows, wall, outDir),
                StandardCharsets.UTF_8);
        return page;
    }

    /** "pre / ns" from a page's "; mode pre; flavor ns"; "" for a page that names neither (written before they were). */
    static String run(String subtitle) {
        Matcher m = MODE.matcher(subtitle);
        Matcher f = FLAVOR.matcher(subtitle);
        boolean hasMode = m.find();
        boolean hasFlavor = f.find();
        if (!hasMode && !hasFlavor) {
            return "";
        }
        return (hasMode ? m.group(1).strip() : "plain") + " / " + (hasFlavor ? f.group(1).strip() : "h");
    }

    /** A row's time split, when its page recorded one (pages written before it did have none). */
    private static Optional<TimeSplit> times(Element tr, Path page, int row) throws IOException {
        if (!tr.hasAttribute("data-criu-ms")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TimeSplit(Duration.ofMillis(Long.parseLong(tr.getAttribute("data-vm-ms"))),
                    Duration.ofMillis(Long.parseLong(tr.getAttribute("data-criu-ms"))),
                    Duration.ofMillis(Long.parseLong(tr.getAttribute("data-guest-ms"))),
                    Duration.ofMillis(tr.hasAttribute("data-setup-ms") ? Long.parseLong(tr.getAttribute("data-setup-ms")) : 0)));
        } catch (NumberFormatException e) {
            throw new IOException(page + ": row " + row + " has a time split that is not milliseconds: " + e.getMessage(), e);
        }
    }

    private static Element byId(Document doc, String tag, String id) {
        NodeList l = doc.getElementsByTagName(tag);
        for (int i = 0; i < l.getLength(); i++) {
            Element e = (Element) l.item(i);
            if (id.equals(e.getAttribute("id"))) {
                return e;
            }
        }
        return null;
    }

    private static String text(org.w3c.dom.Node n) {
        return n == null ? "" : n.getTextContent().strip();
    }

    private static Duration seconds(String s, Path page) throws IOException {
        try {
            return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
        } catch (NumberFormatException e) {
            throw new IOException(page + ": '" + s + "' is not a duration in seconds", e);
        }
    }
}
