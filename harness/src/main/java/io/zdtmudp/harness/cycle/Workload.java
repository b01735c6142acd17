package io.zdtmudp.harness.cycle;

import static org.awaitility.Awaitility.await;

import io.zdtmudp.harness.agent.ExecResult;
import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.guest.Guest;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A task the test spawned in the guest and waited for until it was ready: what a {@link CrCycle}
 * checkpoints. Its output goes to one log file, which every failure quotes.
 */
public final class Workload {
    private static final int SIGSTOP = 19;
    private static final int SIGCONT = 18;
    private static final Readiness STOPPED = Readiness.of("stopped state (T)", (guest, pid) -> guest.exec("sed", "-n",
            "s/^State:[[:space:]]*\\([A-Z]\\).*/\\1/p", "/proc/" + pid + "/status").stdout().strip().equals("T"));
    private final Guest guest;
    private final int pid;
    private final String log;
    private boolean exited;

    private Workload(Guest guest, int pid, String log) {
        this.guest = guest;
        this.pid = pid;
        this.log = log;
    }

    /**
     * Spawns {@code argv} in the test's network namespace, its stdout and stderr in {@code log}, and waits
     * until {@code ready} holds; fails, quoting the log, if the task exits first or the guest's call timeout
     * passes.
     */
    public static Workload spawn(Guest guest, Readiness ready, String log, String... argv) {
        Objects.requireNonNull(ready);
        int pid = guest.spawn(GuestCommand.builder().args(argv).stdoutPath(log).stderrPath(log).build()).pid();
        return adopt(guest, pid, ready, log, String.join(" ", argv));
    }

    /**
     * A task already running as the guest agent's child, started by a launcher that exited once it ran (the
     * agent is a child subreaper): waits until {@code ready} holds, as {@link #spawn} does; {@code what}
     * names it in failures.
     */
    public static Workload adopt(Guest guest, int pid, Readiness ready, String log, String what) {
        Objects.requireNonNull(ready);
        Workload w = new Workload(guest, pid, log);
        try {
            w.awaitReady(ready, what);
        } catch (RuntimeException e) {
            // a task that never got ready would outlive the test that gave up on it
            guest.exec("kill", "-9", Integer.toString(pid));
            throw e;
        }
        return w;
    }

    private void awaitReady(Readiness ready, String what) {
        Duration limit = guest.timeouts().call();
        try {
            await(what + " (pid " + pid + ") ready: " + ready.description()).atMost(limit)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> ready.test(guest, pid) || exited());
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(what + " (pid " + pid + ") did not get ready within " + limit
                    + " (waiting for " + ready.description() + "): " + output(), e);
        }
        if (exited()) {
            throw new IllegalStateException(what + " (pid " + pid + ") exited before it was ready ("
                    + ready.description() + "): " + output());
        }
    }

    /**
     * Waits until {@code condition} holds for the task, within the guest's call timeout: a line of its
     * output after a restore, say. Fails quoting its output.
     */
    public Workload waitUntil(Readiness condition) {
        Duration limit = guest.timeouts().call();
        try {
            await("pid " + pid + ": " + condition.description()).atMost(limit).pollInterval(Duration.ofMillis(50))
                    .until(() -> condition.test(guest, pid));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("pid " + pid + ": no " + condition.description() + " within " + limit + "; "
                    + output(), e);
        }
        return this;
    }

    /**
     * Stops the task (SIGSTOP) and waits until it is stopped: what is sent to it now waits in its sockets'
     * queues, as it does for a server that is busy. CRIU dumps a stopped task and restores it stopped.
     */
    public Workload pause() {
        guest.agent().kill(pid, SIGSTOP, false);
        return waitUntil(STOPPED);
    }

    /** Lets a paused task go on (SIGCONT): it reads what waited for it. */
    public Workload resume() {
        guest.agent().kill(pid, SIGCONT, false);
        return this;
    }

    /** Whether the task is stopped (state T in {@code /proc/PID/status}), as after {@link #pause()}. */
    public boolean paused() {
        return STOPPED.test(guest, pid);
    }

    /** The task's pid (the same after a restore: CRIU restores pids). */
    public int pid() {
        return pid;
    }

    /** Whether the task has exited (as the guest agent sees it); meant for before the first checkpoint. */
    public boolean exited() {
        if (!exited) {
            OptionalInt status = guest.agent().waitPid(pid, Duration.ZERO);
            exited = status.isPresent();
        }
        return exited;
    }

    /** The task's output so far, for a failure message. */
    public String output() {
        ExecResult r = guest.exec("cat", log);
        return r.succeeded() ? "its output: " + r.stdout().strip() : "(no output in " + log + ")";
    }
}
