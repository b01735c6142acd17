package io.zdtmudp.harness.report;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One test (or a container that failed or was skipped as a whole) in the report.
 *
 * @param testClass the test class's simple name (nested classes joined with '.')
 * @param testCase the method, or "(class)" for a container's own outcome
 * @param flavor the invocations it ran under, e.g. "RAW / INET"; "" when it is not parameterized
 * @param message the first line of the failure or the skip reason; "" otherwise
 * @param artifacts files the harness kept for it, e.g. target/zdtm-artifacts/class/method/console.log
 * @param run the mode and flavor of the run it came from in a merged page, e.g. "pre / ns"; "" in a run's own page
 */
record ReportRow(String testClass, String testCase, String flavor, Verdict verdict, Duration duration, String message,
        List<Path> artifacts, String run) {
    ReportRow(String testClass, String testCase, String flavor, Verdict verdict, Duration duration, String message,
            List<Path> artifacts) {
        this(testClass, testCase, flavor, verdict, duration, message, artifacts, "");
    }
}
