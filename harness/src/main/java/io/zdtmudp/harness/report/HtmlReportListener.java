package io.zdtmudp.harness.report;

import io.zdtmudp.harness.cycle.CrMode;
import io.zdtmudp.harness.cycle.Flavor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Writes {@code target/zdtm-report/index.html} when a test plan finishes: registered through
 * META-INF/services in the harness jar, so every surefire/failsafe run that has the harness on its class path
 * gets one. {@code zdtm.report.dir} (configuration parameter or system property) moves it;
 * {@code zdtm.report=false} turns it off. A plan without tests writes nothing, so {@code -Dtest=none} does not
 * overwrite the report of the ITs.
 */
public final class HtmlReportListener implements TestExecutionListener {
    public static final String DIR_PROPERTY = "zdtm.report.dir";
    public static final String ENABLED_PROPERTY = "zdtm.report";
    public static final String FILE_NAME = "index.html";

    private volatile RunRecord record;
    private volatile Path dir;

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        boolean enabled = !"false".equalsIgnoreCase(parameter(plan, ENABLED_PROPERTY).orElse("true").trim());
        record = enabled && plan.containsTests() ? new RunRecord(plan) : null;
        dir = parameter(plan, DIR_PROPERTY).map(Path::of)
                .orElse(Path.of(System.getProperty("user.dir"), "target", "zdtm-report"));
    }

    private static Optional<String> parameter(TestPlan plan, String key) {
        Optional<String> p = plan.getConfigurationParameters().get(key);
        return p.isPresent() ? p : Optional.ofNullable(System.getProperty(key));
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        RunRecord r = record;
        if (r != null) {
            r.started(id);
        }
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        RunRecord r = record;
        if (r != null) {
            r.skipped(id, reason);
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        RunRecord r = record;
        if (r != null) {
            r.finished(id, result);
        }
    }

    @Override
    public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
        RunRecord r = record;
        String artifacts = entry.getKeyValuePairs().get(RunRecord.ARTIFACTS_KEY);
        if (r != null && artifacts != null) {
            r.artifactDirectory(id, Path.of(artifacts));
        }
        String kernel = entry.getKeyValuePairs().get(RunRecord.KERNEL_KEY);
        if (r != null && kernel != null) {
            r.kernel(kernel);
        }
        if (r != null) {
            r.times(id, entry.getKeyValuePairs());
            r.figures(id, entry.getKeyValuePairs());
        }
    }

    @Override
    public void fileEntryPublished(TestIdentifier id, FileEntry file) {
        RunRecord r = record;
        if (r != null) {
            r.file(id, file.getPath());
        }
    }

    /**
     * When, where and how: several modules, modes, flavors and reruns each leave a page, and they look alike;
     * {@link MergedReport} reads the mode, flavor and kernel back from here.
     */
    private static String subtitle(RunRecord r) {
        String kernels = r.kernels().isEmpty() ? "" : "; guest kernel " + String.join(", ", r.kernels());
        return "finished " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " in " + System.getProperty("user.dir")
                + "; mode " + named(CrMode.PROPERTY, () -> CrMode.parse(System.getProperty(CrMode.PROPERTY)).cliName())
                + "; flavor " + named(Flavor.PROPERTY, () -> Flavor.fromSystemProperties().cliName()) + kernels;
    }

    /** The canonical name, or what was given when it names nothing (the cases then fail, saying so). */
    private static String named(String property, Supplier<String> canonical) {
        try {
            return canonical.get();
        } catch (IllegalArgumentException e) {
            return System.getProperty(property);
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        RunRecord r = record;
        if (r == null) {
            return;
        }
        Path file = dir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dir);
            Files.writeString(file, HtmlReport.render("zdtm-udp test run", subtitle(r), r.rows(), r.elapsed(), dir), StandardCharsets.UTF_8);
            System.out.println("zdtm: HTML report " + file.toAbsolutePath());
        } catch (IOException | RuntimeException e) {
            // The run's verdicts stand without the page; say why it is missing.
            System.err.println("zdtm: could not write the HTML report " + file + ": " + e);
        }
    }
}
