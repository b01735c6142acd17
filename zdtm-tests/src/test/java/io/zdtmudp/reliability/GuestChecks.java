package io.zdtmudp.reliability;

import static org.awaitility.Awaitility.await;

import io.zdtmudp.harness.guest.Guest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Small guest-side checks the reliability cases share. */
final class GuestChecks {
    private GuestChecks() {}

    /** Fails unless {@code pid} is gone within the guest's grace period (the agent reaps asynchronously). */
    static void assertGone(Guest guest, int pid, String why) {
        Duration limit = guest.timeouts().grace();
        try {
            await(why).atMost(limit).pollInterval(Duration.ofMillis(100)).until(() -> !guest.alive(pid));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String status = guest.exec("cat", "/proc/" + pid + "/status").stdout();
            throw new AssertionError(why + ": pid " + pid + " still runs " + limit + " later:\n" + status, e);
        }
    }

    /**
     * Writes an action script that runs {@code body} at CRIU's action {@code stage} and
     * exits 0 at every other action. CRTOOLS_SCRIPT_ACTION names the action (CRIU sets it).
     */
    static String actionScript(Guest guest, String name, String stage, String body) {
        String path = guest.workDir() + "/" + name;
        String text = "#!/bin/sh\n[ \"$CRTOOLS_SCRIPT_ACTION\" = " + stage + " ] || exit 0\n" + body + "\n";
        guest.writeFile(path, text.getBytes(StandardCharsets.UTF_8), 0755);
        return path;
    }

    /** Shell that SIGKILLs the nearest criu ancestor of the action script (sh -c may sit between). */
    static final String KILL_CRIU = String.join("\n",
            "p=$PPID",
            "while [ \"$p\" -gt 1 ] && [ \"$(cat /proc/$p/comm)\" != criu ]; do",
            "  p=$(awk '/^PPid:/ {print $2}' /proc/$p/status)",
            "done",
            "[ \"$p\" -gt 1 ] && kill -9 \"$p\"",
            "sleep 5",
            "exit 1");

    /** How many of {@code pid}'s fds are sockets. */
    static int socketFds(Guest guest, int pid) {
        var r = guest.run("sh", "-c", "ls -l /proc/" + pid + "/fd | grep -c 'socket:' || true");
        return Integer.parseInt(r.stdout().strip());
    }
}
