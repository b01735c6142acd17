package io.zdtmudp.fuzz;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a libFuzzer run printed: how many inputs it executed, and any sanitizer or crash finding. */
record FuzzReport(long executions, int seconds, List<String> findings) {
    private static final Pattern DONE = Pattern.compile("^Done (\\d+) runs in (\\d+) second", Pattern.MULTILINE);
    /** Lines that only appear when the target crashed, leaked, hit UB or timed out. */
    private static final List<String> FINDING_MARKERS = List.of("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
            "runtime error:", "ERROR: libFuzzer", "deadly signal", "Test unit written to", "==ERROR");

    static FuzzReport parse(String output) {
        Matcher done = DONE.matcher(output);
        long executions = -1;
        int seconds = -1;
        if (done.find()) {
            executions = Long.parseLong(done.group(1));
            seconds = Integer.parseInt(done.group(2));
        }
        List<String> findings = output.lines()
                .filter(line -> FINDING_MARKERS.stream().anyMatch(line::contains))
                .toList();
        return new FuzzReport(executions, seconds, findings);
    }

    /** Empty when libFuzzer never reached its closing "Done N runs" line. */
    Optional<Long> completedExecutions() {
        return executions < 0 ? Optional.empty() : Optional.of(executions);
    }
}
