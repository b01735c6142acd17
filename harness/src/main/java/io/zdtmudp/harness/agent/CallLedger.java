package io.zdtmudp.harness.agent;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The time one thread spent waiting for the guest agent, split into CRIU's share and the test's other
 * commands, so a case's wall time can be divided into CRIU, the test's guest commands and the harness itself.
 * What the harness does in the guest around a test (its netns, its work directory, the kernel health check)
 * is counted apart: it is the harness's time, spent in the guest. A test's lifecycle runs on one thread, also when the tests of a
 * class run concurrently; what a case hands to a thread of its own is not counted either (it is left in the
 * harness's share).
 */
public final class CallLedger {
    private static final ThreadLocal<CallLedger> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<Kind> KIND = ThreadLocal.withInitial(() -> Kind.TEST);

    private enum Kind { TEST, CRIU, HARNESS }

    private final AtomicLong criuNanos = new AtomicLong();
    private final AtomicLong guestNanos = new AtomicLong();
    private final AtomicLong harnessNanos = new AtomicLong();

    private CallLedger() {
    }

    /** Starts counting this thread's agent calls into a new ledger, which replaces any earlier one. */
    public static CallLedger open() {
        CallLedger l = new CallLedger();
        CURRENT.set(l);
        return l;
    }

    /** Stops counting into {@code ledger} on this thread (one opened since stays). */
    public static void close(CallLedger ledger) {
        if (CURRENT.get() == ledger) {
            CURRENT.remove();
        }
    }

    /** Runs {@code body} with every agent call it makes on this thread counted as CRIU's time. */
    public static <T> T asCriu(Supplier<T> body) {
        return as(Kind.CRIU, body);
    }

    /** Runs {@code body} with its agent calls counted as the harness's own work in the guest. */
    public static void asHarness(Runnable body) {
        as(Kind.HARNESS, () -> {
            body.run();
            return null;
        });
    }

    /** The outermost scope decides: CRIU's calls inside the harness's work are the harness's. */
    private static <T> T as(Kind kind, Supplier<T> body) {
        if (KIND.get() != Kind.TEST) {
            return body.get();
        }
        KIND.set(kind);
        try {
            return body.get();
        } finally {
            KIND.set(Kind.TEST);
        }
    }

    static void record(long nanos) {
        CallLedger l = CURRENT.get();
        if (l != null) {
            switch (KIND.get()) {
                case CRIU -> l.criuNanos.addAndGet(nanos);
                case TEST -> l.guestNanos.addAndGet(nanos);
                case HARNESS -> l.harnessNanos.addAndGet(nanos);
            }
        }
    }

    /** Waiting for CRIU: its commands (also over RPC), their logs and the directories they need. */
    public Duration criu() {
        return Duration.ofNanos(criuNanos.get());
    }

    /** Waiting for the harness's own work in the guest: the test's netns and work directory, the health check. */
    public Duration harness() {
        return Duration.ofNanos(harnessNanos.get());
    }

    /** Waiting for the test's other guest commands and files: the workload's, and what the case checks. */
    public Duration guest() {
        return Duration.ofNanos(guestNanos.get());
    }
}
