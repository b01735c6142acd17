package io.zdtmudp.harness.cycle;

import io.zdtmudp.harness.agent.ExecResult;
import io.zdtmudp.harness.guest.Guest;
import java.util.regex.Pattern;

/**
 * When a task in the guest is ready to be checkpointed, in the spirit of Testcontainers' wait strategies:
 * a file it creates, a line in its output, a UDP port it has bound. Each is one cheap probe that
 * {@link Workload#spawn} repeats until it holds, the task exits, or the guest's call timeout passes.
 */
public interface Readiness {
    /** Whether the task {@code pid} is ready now. */
    boolean test(Guest guest, int pid);

    /** What is waited for, as a failure message names it. */
    String description();

    /** Ready once {@code path} exists in the guest. */
    static Readiness fileExists(String path) {
        return of("the file " + path, (guest, pid) -> guest.exec("test", "-e", path).succeeded());
    }

    /** Ready once a line of the file {@code path} (e.g. the task's redirected output) matches {@code line}. */
    static Readiness lineIn(String path, Pattern line) {
        return of("a line matching /" + line + "/ in " + path, (guest, pid) -> {
            ExecResult r = guest.exec("cat", path);
            return r.succeeded() && r.stdout().lines().anyMatch(l -> line.matcher(l).find());
        });
    }

    /**
     * Ready once the task's network namespace has a UDP socket bound to {@code port}, IPv4 or IPv6, read from
     * {@code /proc/PID/net/udp*}: the task's own view, so it also holds for a task in a namespace of its own.
     */
    static Readiness udpPortBound(int port) {
        return of("a UDP socket bound to port " + port, (guest, pid) -> {
            ExecResult r = guest.exec("cat", "/proc/" + pid + "/net/udp", "/proc/" + pid + "/net/udp6");
            return ProcNetUdp.boundPorts(r.stdout()).contains(port);
        });
    }

    /**
     * A socket of the task bound to {@code port} holds datagrams it has not read: a stopped server's
     * requests have arrived.
     */
    static Readiness udpDatagramsQueued(int port) {
        return of("datagrams queued on UDP port " + port, (guest, pid) -> {
            ExecResult r = guest.exec("cat", "/proc/" + pid + "/net/udp", "/proc/" + pid + "/net/udp6");
            return ProcNetUdp.queuedBytes(r.stdout(), port) > 0;
        });
    }

    /** A TCP socket of the task listens on {@code port} (the same columns as {@code /proc/net/udp}). */
    static Readiness tcpPortListening(int port) {
        return of("a TCP socket listening on port " + port, (guest, pid) -> {
            ExecResult r = guest.exec("cat", "/proc/" + pid + "/net/tcp", "/proc/" + pid + "/net/tcp6");
            return ProcNetUdp.boundPorts(r.stdout()).contains(port);
        });
    }

    /** A readiness from a probe and what it waits for. */
    static Readiness of(String description, Probe probe) {
        return new Readiness() {
            @Override
            public boolean test(Guest guest, int pid) {
                return probe.test(guest, pid);
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }

    /** One check of a task's state. */
    @FunctionalInterface
    interface Probe {
        boolean test(Guest guest, int pid);
    }
}
