package io.zdtmudp.harness.cycle;

import java.util.List;
import java.util.Locale;

/**
 * Which namespaces a workload owns, after zdtm.py's flavors: each changes what CRIU dumps with the task and
 * how it restores it. A task of the {@code ns} flavor owns its network namespace, as a container's process
 * does, so CRIU dumps that namespace, locks it during the restore and recreates it. Unlike zdtm.py's {@code ns},
 * the task keeps the test's pid and mount namespaces: CRIU gives it its pid back, which is how every case finds
 * it after a restore.
 *
 * <p>There is no {@code uns} yet, and why is measured: a task under a user namespace of its own restores only
 * as the init of a pid namespace that user namespace owns (CRIU's restore mounts a proc for the tree, and a
 * user namespace may mount only its own pid namespace's proc: EPERM otherwise); such a task is dumped only
 * with a proc of its own, so in a mount namespace of its own; and a user namespace cannot unmount the guest's
 * 9p share it inherits there (locked mounts: EINVAL), which CRIU refuses to dump. zdtm.py's way out is a root
 * of the test's own to pivot into.
 */
public enum Flavor {
    /** The test's namespaces: zdtm.py's {@code h}. */
    H,
    /** A network (and UTS and IPC) namespace of its own. */
    NS;

    /** The system property that picks the flavor of every {@code UdpRun} in a run ({@code h} if unset). */
    public static final String PROPERTY = "zdtm.flavor";

    /** The flavor named {@code name} (as in {@code -Dzdtm.flavor}), or {@link #H} for null or blank. */
    public static Flavor parse(String name) {
        return NamedChoice.parse(PROPERTY, name, values(), Flavor::cliName, H);
    }

    /** The flavor this JVM's {@code -Dzdtm.flavor} names. */
    public static Flavor fromSystemProperties() {
        return parse(System.getProperty(PROPERTY));
    }

    /** The name {@code -Dzdtm.flavor} takes, as zdtm.py spells it. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a task of this flavor owns its network namespace. */
    public boolean ownsNetworkNamespace() {
        return this != H;
    }

    /** The stronger of the two: a scenario that needs a namespace of its own keeps it under {@code h}. */
    public Flavor atLeast(Flavor other) {
        return compareTo(other) >= 0 ? this : other;
    }

    /**
     * The {@code unshare} command that starts a task of this flavor; it execs in place (no {@code --fork}), so
     * the pid spawned is the task's. Empty for {@link #H}.
     */
    public List<String> unshare() {
        return switch (this) {
            case H -> List.of();
            case NS -> List.of("unshare", "--net", "--uts", "--ipc", "--");
        };
    }
}
