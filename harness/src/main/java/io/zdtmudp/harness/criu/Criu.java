package io.zdtmudp.harness.criu;

import com.google.protobuf.TextFormat;
import io.zdtmudp.harness.agent.CallLedger;
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
import java.util.concurrent.ConcurrentHashMap;
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
    private final CriuRpcClient rpc;
    private final List<String> launcher;
    private final Map<String, Integer> rpcRestoredPids = new ConcurrentHashMap<>();

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
        this.rpc = null;
        this.launcher = List.of();
    }

    private Criu(Criu cli, CriuRpcClient rpc, List<String> launcher) {
        this.agent = cli.agent;
        this.binary = cli.binary;
        this.netns = cli.netns;
        this.timeouts = cli.timeouts;
        this.logs = cli.logs;
        this.rpc = rpc;
        this.launcher = List.copyOf(launcher);
    }

    /**
     * The same CRIU, started through {@code launcher}, a command that runs its arguments in place (as
     * {@link io.zdtmudp.harness.cycle.RootfsEscape} does): on the command line and, for {@link #viaRpc}, the
     * RPC relay with it. Must be asked before {@link #viaRpc}.
     */
    public Criu through(List<String> launcher) {
        if (rpc != null) {
            throw new IllegalStateException("through() must come before viaRpc()");
        }
        return new Criu(this, null, launcher);
    }

    /**
     * The same CRIU, in the same namespace and sharing the logs, driven through its RPC ({@code criu swrk},
     * {@link CriuRpcClient}) instead of its command line: each dump, pre-dump and restore sends the request
     * its options read as ({@link RpcRequest}), and fails, naming the option, where RPC has no field for one.
     * Each session's request and response files go to {@code sessionsDir} in the guest.
     */
    public Criu viaRpc(String sessionsDir) {
        return rpc != null ? this : new Criu(this, rpcClient(sessionsDir), launcher);
    }

    /**
     * A client of this CRIU's RPC, in this driver's namespace, keeping its session files in {@code sessionsDir}:
     * for what the dump and restore steps do not ask.
     */
    public CriuRpcClient rpcClient(String sessionsDir) {
        return rpc != null ? rpc : new CriuRpcClient(new GuestSwrk(agent, binary, netns, sessionsDir, limit(), launcher));
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
        return CallLedger.asCriu(() -> checkNow(extraArgs));
    }

    private CriuResult checkNow(String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("check"));
        args.addAll(List.of(extraArgs));
        ExecResult r = run(args);
        String out = r.stdout() + r.stderr();
        remember("check", out);
        return new CriuResult(command(args), r.exitCode(), r.duration(), out, out);
    }

    public CriuResult dump(DumpOptions options) {
        DumpOptions o = options.withDefaultTimeout(timeouts.criuTimeoutSeconds());
        return runWithLog("dump", binary == CriuBinary.PATCHED ? o.withDefaultUdpPeekLimit(timeouts.udpPeekLimitMillis()) : o);
    }

    public CriuResult preDump(DumpOptions options) {
        return runWithLog("pre-dump", options.withDefaultTimeout(timeouts.criuTimeoutSeconds()));
    }

    public CriuResult restore(RestoreOptions options) {
        return runWithLog("restore", options.withDefaultTimeout(timeouts.criuTimeoutSeconds()));
    }

    /** The restored root's pid from the pidfile the restore wrote (over RPC: from CRIU's answer). */
    public OptionalInt restoredPid(RestoreOptions options) {
        String path = options.pidFilePath();
        if (path == null) {
            return OptionalInt.empty();
        }
        if (rpc != null) {
            Integer pid = rpcRestoredPids.get(path);
            return pid == null ? OptionalInt.empty() : OptionalInt.of(pid);
        }
        try {
            return OptionalInt.of(Integer.parseInt(agent.readText(path).strip()));
        } catch (GuestAgentException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** The full command line for an action (visible for tests). */
    public List<String> command(List<String> args) {
        List<String> c = new ArrayList<>(launcher);
        c.add(binary.path());
        c.addAll(args);
        return c;
    }

    private CriuResult runWithLog(String action, CriuOptions options) {
        return CallLedger.asCriu(() -> runWithLogNow(action, options));
    }

    private CriuResult runWithLogNow(String action, CriuOptions options) {
        agent.exec(GuestCommand.of("mkdir", "-p", options.imagesDir(), options.workDirOrImages())).orThrow();
        if (rpc != null) {
            return overRpc(action, options.toArgs(), options);
        }
        List<String> args = new ArrayList<>();
        args.add(action);
        args.addAll(options.toArgs());
        ExecResult r = run(args, options.env());
        String log = readLog(options);
        remember(action, log);
        return new CriuResult(command(args), r.exitCode(), r.duration(), log, r.stdout() + r.stderr());
    }

    private CriuResult overRpc(String action, List<String> args, CriuOptions options) {
        RpcRequest req = RpcRequest.of(action, args);
        CriuRpcClient.Call call = rpc.call(req.request(), req.dirs(), options.env());
        if (call.succeeded() && req.pidFile() != null && call.response().hasRestore()) {
            rpcRestoredPids.put(req.pidFile(), call.response().getRestore().getPid());
        }
        String log = readLog(options);
        remember(action, log);
        List<String> command = List.of(binary.path(), "swrk", "<" + req.request().getType() + " "
                + TextFormat.shortDebugString(req.request().getOpts()) + ">");
        String output = call.session().output() + (call.succeeded() ? "" : call.failure() + "\n");
        // what an RPC client goes by is CRIU's answer; a session that broke without one says how it ended
        int exit = call.succeeded() ? 0 : call.session().exitCode() != 0 ? call.session().exitCode() : 1;
        return new CriuResult(command, exit, call.session().duration(), log, output);
    }

    private String readLog(CriuOptions options) {
        try {
            return agent.readText(options.logPath());
        } catch (GuestAgentException e) {
            return "(no log at " + options.logPath() + ": " + e.getMessage() + ")";
        }
    }

    private Duration limit() {
        // CRIU gets its own --timeout; the agent's kill only catches a CRIU that ignores it.
        return Duration.ofSeconds(timeouts.criuTimeoutSeconds()).multipliedBy(3).plus(timeouts.call());
    }

    private ExecResult run(List<String> args) {
        return run(args, Map.of());
    }

    private ExecResult run(List<String> args, Map<String, String> env) {
        GuestCommand.Builder cmd = GuestCommand.builder().args(command(args)).timeout(limit());
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
