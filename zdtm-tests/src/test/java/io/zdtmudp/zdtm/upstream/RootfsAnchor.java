package io.zdtmudp.zdtm.upstream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lets namespaced flavors run on a guest whose / is the initramfs itself (rootfs). pivot_root(2) refuses to
 * move away from rootfs (EINVAL), and both zdtm's lib (entering the test's root) and CRIU (restoring a mount
 * namespace) pivot_root. So, once per VM, a long-lived anchor process takes a private mount namespace in which
 * a recursive bind of / is moved over / and chrooted into, as switch_root does; the test and CRIU then run
 * through {@code nsenter} in the anchor's mount namespace and root, where pivot_root works. A guest that
 * already switched to a real root filesystem needs none of this.
 */
final class RootfsAnchor {
    static final String READY_FILE = "/run/zdtm-upstream-anchor.ready";
    private static final String BIND_DIR = "/mnt/zdtm-upstream-root";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

    private RootfsAnchor() {
    }

    /** Whether / is the initramfs's rootfs, from a mountinfo text: the mount at "/" of type rootfs. */
    static boolean rootIsRootfs(String mountinfo) {
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            int dash = line.indexOf(" - ");
            if (f.length > 4 && f[4].equals("/") && dash > 0) {
                String fstype = line.substring(dash + 3).split(" ")[0];
                return fstype.equals("rootfs");
            }
        }
        return false;
    }

    /** The anchor's command line: a private mount namespace, / moved onto a bind of itself, then a long sleep. */
    static List<String> anchorArgv() {
        String inner = "echo $$ > " + READY_FILE + "; exec sleep 2147483647";
        String script = "set -e; mkdir -p " + BIND_DIR + "; mount --rbind / " + BIND_DIR + "; cd " + BIND_DIR
                + "; mount --move . /; exec chroot . /bin/sh -c " + GuestScripts.q(inner);
        return List.of("unshare", "-m", "--propagation", "private", "/bin/sh", "-c", script);
    }

    /** Starts the anchor if / is rootfs; returns its pid, or empty when the guest needs no anchor. */
    static Optional<Integer> startIfNeeded(ZdtmGuest guest) {
        String mountinfo = guest.read("/proc/self/mountinfo").map(b -> new String(b, StandardCharsets.UTF_8))
                .orElseThrow(() -> new IllegalStateException("no /proc/self/mountinfo in the guest"));
        if (!rootIsRootfs(mountinfo)) {
            return Optional.empty();
        }
        int pid = guest.spawnDaemon(anchorArgv());
        long deadline = System.nanoTime() + (long) (READY_TIMEOUT.toNanos() * guest.slowdown());
        while (System.nanoTime() < deadline) {
            Optional<byte[]> ready = guest.read(READY_FILE);
            if (ready.isPresent() && new String(ready.get(), StandardCharsets.UTF_8).strip().equals(
                    Integer.toString(pid))) {
                return Optional.of(pid);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the rootfs anchor", e);
            }
        }
        throw new IllegalStateException("the rootfs anchor (pid " + pid + ", " + String.join(" ", anchorArgv())
                + ") did not get ready within " + READY_TIMEOUT.toSeconds() + " s (scaled by " + guest.slowdown() + ")");
    }

    /** The same command, run in the anchor's mount namespace and root, in {@code cwd}. */
    static List<String> wrap(int anchorPid, String cwd, List<String> argv) {
        List<String> out = new ArrayList<>(List.of("nsenter", "-t", Integer.toString(anchorPid), "-m", "-r", "-w" + cwd,
                "--"));
        out.addAll(argv);
        return out;
    }

    /** A guest whose commands all run through the anchor. Files are read directly: /tmp is the same tmpfs. */
    static ZdtmGuest anchored(ZdtmGuest guest, int anchorPid) {
        return new ZdtmGuest() {
            @Override
            public GuestRun run(List<String> argv, Map<String, String> env, String cwd, Duration timeout) {
                GuestRun r = guest.run(wrap(anchorPid, cwd, argv), env, cwd, timeout);
                return new GuestRun(argv, r.exitCode(), r.stdout(), r.stderr(), r.timedOut(), r.duration());
            }

            @Override
            public Optional<byte[]> read(String path) {
                return guest.read(path);
            }

            @Override
            public void attach(String name, byte[] content) {
                guest.attach(name, content);
            }

            @Override
            public String workDir() {
                return guest.workDir();
            }

            @Override
            public double slowdown() {
                return guest.slowdown();
            }

            @Override
            public String criu() {
                return guest.criu();
            }

            @Override
            public int spawnDaemon(List<String> argv) {
                return guest.spawnDaemon(argv);
            }
        };
    }
}
