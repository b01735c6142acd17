package io.zdtmudp.harness.report;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One test (or a container that failed or was skipped as a whole) in the report.
 *
 * @param testClass the test class's simple name (nested classes joined with '.')
 * @param testCase the method, or "(class)" for a container's own outcome
 * @param flavor the invocations it ran under, e.g. "RAW / INET"; "" when it is not parameterized
 * @param message the first line of the failure or the skip reason; "" otherwise
 * @param artifacts files the harness kept for it, e.g. target/zdtm-artifacts/class/method/console.log
 * @param run the mode and flavor of the run it came from in a merged page, e.g. "pre / ns"; "" in a run's own page
 * @param times where its time went, for a test that ran with a guest
 */
record ReportRow(String testClass, String testCase, String flavor, Verdict verdict, Duration duration, String message,
        List<Path> artifacts, String run, Optional<TimeSplit> times) {
    ReportRow(String testClass, String testCase, String flavor, Verdict verdict, Duration duration, String message,
            List<Path> artifacts) {
        this(testClass, testCase, flavor, verdict, duration, message, artifacts, "", Optional.empty());
    }

    ReportRow(String testClass, String testCase, String flavor, Verdict verdict, Duration duration, String message,
            List<Path> artifacts, String run) {
        this(testClass, testCase, flavor, verdict, duration, message, artifacts, run, Optional.empty());
    }

    /** The harness's own share of the test's time, where it is known. */
    Optional<Duration> harness() {
        return times.map(t -> t.harness(duration));
    }
}
