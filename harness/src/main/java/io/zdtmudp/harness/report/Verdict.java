package io.zdtmudp.harness.report;

import org.junit.platform.engine.TestExecutionResult;

/** A row's outcome, in the order the report counts them. */
enum Verdict {
    PASSED, FAILED, ABORTED, SKIPPED;

    static Verdict of(TestExecutionResult result) {
        return switch (result.getStatus()) {
            case SUCCESSFUL -> PASSED;
            case FAILED -> FAILED;
            case ABORTED -> ABORTED;
        };
    }

    String cssClass() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
