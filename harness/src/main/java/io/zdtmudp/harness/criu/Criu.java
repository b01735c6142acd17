package io.zdtmudp.harness.criu;

import io.zdtmudp.harness.agent.ExecResult;
import io.zdtmudp.harness.agent.GuestAgent;
import io.zdtmudp.harness.agent.GuestAgentException;
import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.vm.Timeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs CRIU in the guest through the agent, in one network namespace. Each run's log is read back
 * and remembered so a failing test can attach every log it produced.
 */
public final class Criu {
    private final GuestAgent agent;
    private final CriuBinary binary;
    private final String netns;
    private final Timeouts timeouts;
    private final List<CriuLog> logs;

    /**
     * @param netns netns file the command runs in, or null for the agent's
     * @param logs where produced logs are collected (shared by every Criu of one test)
     */
    public Criu(GuestAgent agent, CriuBinary binary, String netns, Timeouts timeouts, List<CriuLog> logs) {
        this.agent = Objects.requireNonNull(agent);
        this.binary = Objects.requireNonNull(binary);
        this.netns = netns;
        this.timeouts = Objects.requireNonNull(timeouts);
        this.logs = logs;
    }

    public Criu(GuestAgent agent, CriuBinary binary, String netns, Timeouts timeouts) {
        this(agent, binary, netns, timeouts, new CopyOnWriteArrayList<>());
    }

    public CriuBinary binary() {
        return binary;
    }

    /** Every log this driver (and its siblings sharing the list) produced, oldest first. */
    public List<CriuLog> logs() {
        return List.copyOf(logs);
    }

    /** criu check; "Looks good." in {@link CriuResult#output()} means the kernel has what CRIU needs. */
    public CriuResult check(String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("check"));
        args.addAll(List.of(extraArgs));
        ExecResult r = run(args);
        String out = r.stdout() + r.stderr();
        remember("check", out);
        return new CriuResult(command(args), r.exitCode(), r.duration(), out, out);
    }

    public CriuResult dump(DumpOptions options) {
        return runWithLog("dump", options.withDefaultTimeout(timeouts.criuTimeoutSeconds()));
    }

    public CriuResult preDump(DumpOptions options) {
        return runWithLog("pre-dump", options.withDefaultTimeout(timeouts.criuTimeoutSeconds()));
    }

    public CriuResult restore(RestoreOptions options) {
        return runWithLog("restore", options.withDefaultTimeout(timeouts.criuTimeoutSeconds()));
    }

    /** The restored root's pid from the pidfile the restore wrote. */
    public OptionalInt restoredPid(RestoreOptions options) {
        String path = options.pidFilePath();
        if (path == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(agent.readText(path).strip()));
        } catch (GuestAgentException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** The full command line for an action (visible for tests). */
    public List<String> command(List<String> args) {
        List<String> c = new ArrayList<>();
        c.add(binary.path());
        c.addAll(args);
        return c;
    }

    private CriuResult runWithLog(String action, CriuOptions options) {
        List<String> args = new ArrayList<>();
        args.add(action);
        args.addAll(options.toArgs());
        agent.exec(GuestCommand.of("mkdir", "-p", options.imagesDir(), options.workDirOrImages())).orThrow();
        ExecResult r = run(args, options.env());
        String log;
        try {
            log = agent.readText(options.logPath());
        } catch (GuestAgentException e) {
            log = "(no log at " + options.logPath() + ": " + e.getMessage() + ")";
        }
        remember(action, log);
        return new CriuResult(command(args), r.exitCode(), r.duration(), log, r.stdout() + r.stderr());
    }

    private ExecResult run(List<String> args) {
        return run(args, Map.of());
    }

    private ExecResult run(List<String> args, Map<String, String> env) {
        // CRIU gets its own --timeout; the agent's kill only catches a CRIU that ignores it.
        Duration limit = Duration.ofSeconds(timeouts.criuTimeoutSeconds()).multipliedBy(3).plus(timeouts.call());
        GuestCommand.Builder cmd = GuestCommand.builder().args(command(args)).timeout(limit);
        env.forEach(cmd::env);
        if (netns != null) {
            cmd.netns(netns);
        }
        return agent.exec(cmd.build());
    }

    private void remember(String action, String text) {
        if (logs != null) {
            long same = logs.stream().filter(l -> l.name().startsWith(action + "-")).count();
            logs.add(new CriuLog(action + "-" + (same + 1) + ".log", text));
        }
    }
}
