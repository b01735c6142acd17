package io.zdtmudp.zdtm.upstream;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Small busybox-sh scripts run in the guest around an upstream test: one round trip each. */
final class GuestScripts {
    private GuestScripts() {
    }

    /**
     * Lays out {@link CaseLayout} for one run. For the namespaced flavors it builds the test's root as zdtm.py
     * does: empty system directories, the libraries the test loads, the root bind-mounted on itself (the lib
     * pivot_roots into it), and a tmpfs /dev with the few nodes zdtm creates.
     */
    static String prepare(CaseLayout l, String baseName, Flavor flavor) {
        StringBuilder s = new StringBuilder("set -e\n");
        s.append("umask 022\n");
        s.append("mkdir -p ").append(q(l.testDir())).append(' ').append(q(l.dumpDir())).append('\n');
        // Unprivileged tests (zdtm's uid 18943, or uid 0 of the uns user namespace, i.e. 20000 outside)
        // write their pid, out and .test files next to the binary.
        s.append("chmod 0755 ").append(q(l.work())).append('\n');
        s.append("chmod 0777 ").append(q(l.root())).append(' ').append(q(l.testDir())).append(' ')
                .append(q(l.dumpDir())).append('\n');
        s.append("cp ").append(q(Manifest.GUEST_DIR + "/static/" + baseName)).append(' ').append(q(l.testDir()))
                .append('/').append('\n');
        if (flavor.namespaced()) {
            for (String d : List.of("bin", "sbin", "etc", "lib", "lib64", "dev", "tmp", "usr", "proc", "run")) {
                s.append("mkdir -p ").append(q(l.root() + "/" + d)).append(" && chmod 0777 ")
                        .append(q(l.root() + "/" + d)).append('\n');
            }
            for (String d : List.of("bin", "sbin", "lib", "lib64")) {
                s.append("ln -s ../").append(d).append(' ').append(q(l.root() + "/usr/" + d)).append('\n');
            }
            s.append("cp -a ").append(q(Manifest.GUEST_DIR + "/libs/.")).append(' ').append(q(l.root() + "/"))
                    .append('\n');
            // cp -a gave the root the mode of libs/ (0755); the uns test's root (uid 20000 outside) creates
            // its pivot_root "old" directory there.
            s.append("chmod 0777 ").append(q(l.root())).append('\n');
            s.append("mount --bind ").append(q(l.root())).append(' ').append(q(l.root())).append('\n');
            s.append("mount --make-private ").append(q(l.root())).append('\n');
            s.append("mkdir -p ").append(q(l.dev())).append('\n');
            s.append("mount -t tmpfs zdtm-dev ").append(q(l.dev())).append('\n');
            s.append("chmod 0777 ").append(q(l.dev())).append('\n');
            s.append("mkdir -m 0755 ").append(q(l.dev() + "/pts")).append(' ').append(q(l.dev() + "/net"))
                    .append('\n');
            s.append("mknod -m 0666 ").append(q(l.dev() + "/tty")).append(" c 5 0\n");
            s.append("mknod -m 0666 ").append(q(l.dev() + "/null")).append(" c 1 3\n");
            s.append("mknod -m 0666 ").append(q(l.dev() + "/autofs")).append(" c 10 235\n");
            // zdtm creates it only when the machine has it.
            s.append("if [ -c /dev/net/tun ]; then mknod -m 0666 ").append(q(l.dev() + "/net/tun"))
                    .append(" c 10 200; fi\n");
        }
        return s.toString();
    }

    /** Waits until a process is gone; exits 0 when it is, 1 when it is still there at the timeout. */
    static String waitGone(String pid, Duration timeout) {
        long tenths = Math.max(1, timeout.toMillis() / 100);
        return "pid=" + q(pid) + "; n=0\n"
                + "while kill -0 \"$pid\" 2>/dev/null; do\n"
                + "  n=$((n+1)); [ $n -le " + tenths + " ] || { echo \"pid $pid still alive\" >&2; exit 1; }\n"
                + "  sleep 0.1\n"
                + "done\n";
    }

    /**
     * Leaves nothing behind: kills the test's tree if it is still there (for ns flavors, killing the
     * namespaces' init kills the whole pid namespace) and unmounts the root and /dev.
     */
    static String cleanup(CaseLayout l, List<String> pids) {
        StringBuilder s = new StringBuilder();
        for (String pid : pids) {
            s.append("kill -9 ").append(q(pid)).append(" 2>/dev/null\n");
        }
        s.append("sleep 0.1\n");
        for (String m : List.of(l.root(), l.dev())) {
            s.append("if grep -q ' ").append(m).append(" ' /proc/self/mounts; then umount -l ").append(q(m))
                    .append("; fi\n");
        }
        s.append("true\n");
        return s.toString();
    }

    /** Single-quotes a word for sh. */
    static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    static String words(List<String> argv) {
        return argv.stream().map(GuestScripts::q).collect(Collectors.joining(" "));
    }
}
