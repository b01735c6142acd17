package io.zdtmudp.zdtm.upstream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the upstream runner needs from the guest, so the zdtm lifecycle is independent of the harness's API
 * and can be exercised against a fake. Commands run in the test's own network namespace.
 */
interface ZdtmGuest {
    /** Runs a command to completion; a command still running at {@code timeout} is killed and reported so. */
    GuestRun run(List<String> argv, Map<String, String> env, String cwd, Duration timeout);

    default GuestRun sh(String script, Duration timeout) {
        return run(List.of("/bin/sh", "-c", script), Map.of(), "/", timeout);
    }

    /** A guest file's content, or empty when it does not exist. */
    Optional<byte[]> read(String path);

    /** Adds a file to the test's report. */
    void attach(String name, byte[] content);

    /** A fresh, empty guest directory for this test. */
    String workDir();

    /** The factor every wait is scaled by (TCG vs KVM). */
    double slowdown();

    /** The CRIU binary under test. */
    String criu();

    /** Starts a process that outlives the test (outside its netns); returns its pid. */
    int spawnDaemon(List<String> argv);

    /** The outcome of one guest command. */
    record GuestRun(List<String> argv, int exitCode, String stdout, String stderr, boolean timedOut,
            Duration duration) {
        boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        String describe() {
            String what = timedOut ? "timed out after " + duration.toMillis() + " ms" : "exited " + exitCode;
            return String.join(" ", argv) + ": " + what + tail("stdout", stdout) + tail("stderr", stderr);
        }

        private static String tail(String name, String text) {
            if (text == null || text.isBlank()) {
                return "";
            }
            String t = text.strip();
            return "\n--- " + name + " ---\n" + (t.length() > 2000 ? "..." + t.substring(t.length() - 2000) : t);
        }
    }
}
