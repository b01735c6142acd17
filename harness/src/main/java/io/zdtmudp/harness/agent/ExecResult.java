package io.zdtmudp.harness.agent;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of an EXEC.
 *
 * @param exitCode 0..255, or 128 + signal when the command was killed
 * @param timedOut the guest killed the command's process group at its timeout
 */
public record ExecResult(List<String> argv, int exitCode, String stdout, String stderr, boolean timedOut, Duration duration) {

    public ExecResult {
        argv = List.copyOf(argv);
    }

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /** This result, or a {@link GuestCommandFailedException} saying what ran and what it printed. */
    public ExecResult orThrow() {
        if (!succeeded()) {
            throw new GuestCommandFailedException(this);
        }
        return this;
    }

    public String describe() {
        return "`" + String.join(" ", argv) + "` " + (timedOut ? "timed out (killed)" : "exited " + exitCode)
                + " after " + duration.toMillis() + " ms"
                + (stdout.isEmpty() ? "" : "\n--- stdout ---\n" + tail(stdout))
                + (stderr.isEmpty() ? "" : "\n--- stderr ---\n" + tail(stderr));
    }

    private static String tail(String s) {
        int max = 4000;
        return s.length() <= max ? s : "[... " + (s.length() - max) + " chars cut ...]" + s.substring(s.length() - max);
    }
}
