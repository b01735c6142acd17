package io.zdtmudp.harness.agent;

import java.time.Duration;
import java.util.OptionalInt;

/** A process running in the guest (spawned, or any process the agent reaps, e.g. one CRIU restored detached). */
public final class GuestProcess {
    private final GuestAgent agent;
    private final int pid;

    public GuestProcess(GuestAgent agent, int pid) {
        this.agent = agent;
        this.pid = pid;
    }

    public int pid() {
        return pid;
    }

    /** Its exit code (128 + signal when killed), or empty when it still runs after {@code timeout}. */
    public OptionalInt waitFor(Duration timeout) {
        return agent.waitPid(pid, timeout);
    }

    public void kill(int signal) {
        agent.kill(pid, signal, false);
    }

    /** Signals its whole process group: the agent makes every spawned process a group leader. */
    public void killGroup(int signal) {
        agent.kill(pid, signal, true);
    }

    @Override
    public String toString() {
        return "guest pid " + pid;
    }
}
