package io.zdtmudp.harness.report;

import java.time.Duration;

/**
 * Where one test's wall time went, as ZdtmExtension measured it: waiting for a VM of its own (another test's
 * turn, or a start), waiting for CRIU, waiting for the test's other guest commands (the workload's, and what
 * the case reads back). The rest of the wall time is the harness's own: its netns and work directory in the
 * guest, the kernel health check ({@code setup}: the part of the harness's share spent waiting for the guest),
 * JUnit, image decoding, comparisons, the pauses between polls.
 */
record TimeSplit(Duration vmWait, Duration criu, Duration guest, Duration setup) {
    /** The harness's own share of {@code wall}; never negative (the clocks differ by a few milliseconds). */
    Duration harness(Duration wall) {
        Duration rest = wall.minus(vmWait).minus(criu).minus(guest);
        return rest.isNegative() ? Duration.ZERO : rest;
    }
}
