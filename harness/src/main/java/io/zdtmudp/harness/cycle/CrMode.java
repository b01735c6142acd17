package io.zdtmudp.harness.cycle;

import java.util.Locale;

/**
 * How a {@link CrCycle} checkpoints, after zdtm.py's modes: each is a place queue C/R can break that a single
 * dump and restore never reaches. A pre-dump or a leave-running dump must neither consume a queue nor a cork.
 */
public enum CrMode {
    /** One dump, one restore. */
    PLAIN,
    /** {@code criu pre-dump --track-mem} first, then the dump on top of it ({@code --prev-images-dir}): zdtm.py --pre. */
    PRE,
    /** A full dump that leaves the task running first, then the final dump on top of it: zdtm.py --snaps. */
    SNAPS,
    /**
     * {@link #ITERATIONS} - 1 whole dumps and restores of the task first, then the final dump: zdtm.py
     * --iters. Each restore puts back what the dump before it saved, so a queue loses or gains nothing
     * over and over.
     */
    ITERS,
    /**
     * The dump sends the memory pages to {@code criu page-server} over TCP (on the test's loopback), which
     * writes them next to the other images: zdtm.py --page-server.
     */
    PAGE_SERVER,
    /**
     * The restore is lazy ({@code --lazy-pages}): the task runs before its memory is all back, and
     * {@code criu lazy-pages}, in a network namespace of its own, hands it each page on demand; the queues
     * must be in place before the task runs: zdtm.py --lazy-pages.
     */
    LAZY,
    /**
     * The dump and the restore go through CRIU's RPC ({@code criu swrk}) from the harness's own client, with
     * the options a command line would give as {@code criu_opts} fields: zdtm.py --rpc.
     */
    RPC,
    /** The dump leaves the task running and nothing is restored; the task goes on with what it had: zdtm.py --norst. */
    NORST;

    /** How many dumps {@link #ITERS} makes in all, the one the case restores included. */
    public static final int ITERATIONS = 3;

    /** The system property that picks the mode of every {@code UdpRun} in a run ({@code plain} if unset). */
    public static final String PROPERTY = "zdtm.mode";

    /** The mode named {@code name} (as in {@code -Dzdtm.mode}), or {@link #PLAIN} for null or blank. */
    public static CrMode parse(String name) {
        return NamedChoice.parse(PROPERTY, name, values(), CrMode::cliName, PLAIN);
    }

    /**
     * The mode this JVM's {@code -Dzdtm.mode} names: {@code plain}, {@code pre}, {@code snaps}, {@code iters}, {@code page-server}, {@code lazy} or {@code rpc}. Not
     * {@code norst}: with nothing restored, a case that checks its restore (the path CRIU took, a refusal, an
     * error the restore drops) has nothing to check, so only cases written for it use it, with
     * {@code UdpRun.mode}.
     */
    public static CrMode fromSystemProperties() {
        CrMode m = parse(System.getProperty(PROPERTY));
        if (m == NORST) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=norst: not for a whole run (most cases check"
                    + " their restore); a case takes it with UdpRun.mode(CrMode.NORST), as CrModeIT does");
        }
        return m;
    }

    /**
     * The mode for a case that checks the C/R where its queue is refused or dropped: {@link #ITERS} would
     * make that its first iteration and check a later, empty one, so such a case takes {@link #PLAIN} there;
     * every other mode restores once and stays as it is.
     */
    public CrMode onceRestored() {
        return this == ITERS ? PLAIN : this;
    }

    /** The name {@code -Dzdtm.mode} takes: zdtm.py's option without its dashes. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
