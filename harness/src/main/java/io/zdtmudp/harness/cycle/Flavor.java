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
 * <p>A task of the {@code uns} flavor is an unprivileged container's init: the pid 1 of user, pid, mount,
 * network, UTS and IPC namespaces of its own, root inside being an unprivileged uid outside, in a root of its
 * own ({@link ContainerInit}). Each namespace is there because CRIU needs it: a task under a user namespace of
 * its own restores only as the init of a pid namespace that user namespace owns (CRIU mounts a proc for the
 * tree, and a user namespace may mount only its own pid namespace's proc); it is dumped only with a proc of
 * its own, so in a mount namespace of its own; and a user namespace cannot unmount the guest's 9p share it
 * inherits piece by piece (locked mounts), which CRIU refuses to dump, so it pivots into a root of its own and
 * detaches the old one whole, as zdtm.py's {@code uns} does. Its pid changes across a restore (CRIU gives it
 * pid 1 in its namespace back, not the guest's pid), which the cycle adopts.
 */
public enum Flavor {
    /** The test's namespaces: zdtm.py's {@code h}. */
    H,
    /** A network (and UTS and IPC) namespace of its own. */
    NS,
    /** A container's init: user, pid, mount, network, UTS and IPC namespaces and a root of its own. */
    UNS;

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

    /** Whether a task of this flavor is the init of its own user and pid namespaces, in a root of its own. */
    public boolean ownsUserNamespace() {
        return this == UNS;
    }

    /** The stronger of the two: a scenario that needs a namespace of its own keeps it under {@code h}. */
    public Flavor atLeast(Flavor other) {
        return compareTo(other) >= 0 ? this : other;
    }

    /**
     * The {@code unshare} command that starts a task of this flavor; it execs in place (no {@code --fork}), so
     * the pid spawned is the task's. Empty for {@link #H}; {@link #UNS} starts through {@link ContainerInit}
     * instead, whose pid is not the task's.
     */
    public List<String> unshare() {
        return switch (this) {
            case H -> List.of();
            case NS -> List.of("unshare", "--net", "--uts", "--ipc", "--");
            case UNS -> throw new IllegalStateException("a uns task starts through ContainerInit, not unshare");
        };
    }
}
