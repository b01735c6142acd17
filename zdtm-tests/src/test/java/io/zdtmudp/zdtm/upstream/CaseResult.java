package io.zdtmudp.zdtm.upstream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one upstream test ended in one flavor, with the time each phase took.
 *
 * @param verdict what happened
 * @param message why (failure, skip or expected-failure reason); empty on a plain pass
 * @param phases  wall time per phase (start, pre-dump N, dump N, restore N, stop), in order
 * @param total   wall time of the whole run, set-up and clean-up included
 */
record CaseResult(Verdict verdict, String message, Map<String, Duration> phases, Duration total) {
    enum Verdict {
        /** C/R succeeded and the test said PASS. */
        PASS,
        /** A crfail test: CRIU refused as expected and the test said PASS. */
        PASS_CRFAIL,
        /** A list's xfail: the dump was refused, as expected for now. */
        XFAIL,
        /** Not run: the .desc rules it out here (flavor, arch, feature...). */
        SKIP,
        FAIL
    }

    CaseResult {
        phases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phases));
    }

    boolean passed() {
        return verdict == Verdict.PASS || verdict == Verdict.PASS_CRFAIL;
    }

    /** The verdict the way zdtm.py's summary words it. */
    String zdtmWord() {
        return switch (verdict) {
            case PASS, PASS_CRFAIL -> "PASS";
            case XFAIL -> "XFAIL";
            case SKIP -> "SKIP";
            case FAIL -> "FAIL";
        };
    }
}
