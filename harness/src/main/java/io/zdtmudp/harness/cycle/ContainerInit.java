package io.zdtmudp.harness.cycle;

import io.zdtmudp.harness.agent.ExecResult;
import io.zdtmudp.harness.guest.Guest;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a command as an unprivileged container's init, through the guest's {@code nsroot} helper
 * (zdtm-tests/workloads/nsroot.c): pid 1 of user, pid, mount, network, UTS and IPC namespaces of its own, root
 * inside being uid and gid {@link #UID_BASE} outside, with a root directory of its own as / and a proc of its
 * own pid namespace. Everything the command needs must be in that root; paths the command is given are inside
 * it. A CRIU that restores it runs through {@link RootfsEscape} and is given {@link #restoreArgs}.
 */
public final class ContainerInit {
    /** Where the guest image installs the helper. */
    public static final String HELPER = "/opt/zdtm/bin/nsroot";
    /** The uid and gid outside that root inside is mapped to (65536 ids from there). */
    public static final int UID_BASE = 100000;
    /** The command's stdin, stdout and stderr, inside its root. */
    public static final String LOG = "/init.log";

    private ContainerInit() {
    }

    /** The helper's argv: {@code prelude} (a shell command, empty for none) runs inside the namespaces first. */
    static List<String> argv(String root, String prelude, List<String> command) {
        List<String> argv = new ArrayList<>(List.of(HELPER, root, LOG, prelude));
        argv.addAll(command);
        return argv;
    }

    /**
     * Makes {@code root} usable by root inside (mode 0777: it owns no file of the guest's), starts
     * {@code command} (paths inside {@code root}) after {@code prelude}, and waits until {@code ready} holds.
     * Fails with the helper's error if the command never ran.
     */
    public static Workload start(Guest guest, String root, String prelude, Readiness ready, List<String> command) {
        guest.run("chmod", "0777", root);
        List<String> argv = argv(root, prelude, command);
        ExecResult r = guest.exec(argv.toArray(String[]::new));
        if (!r.succeeded()) {
            throw new IllegalStateException(String.join(" ", argv) + " failed (exit " + r.exitCode() + "): "
                    + r.stdout() + r.stderr());
        }
        int pid;
        try {
            pid = Integer.parseInt(r.stdout().strip());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(HELPER + " printed no pid: " + r.stdout() + r.stderr(), e);
        }
        return Workload.adopt(guest, pid, ready, root + LOG, String.join(" ", command));
    }

    /** What a restore of such a task adds to CRIU's arguments: the root its mount namespace had. */
    public static List<String> restoreArgs(String root) {
        return List.of("--root", root);
    }
}
