package io.zdtmudp.harness.vm;

import io.zdtmudp.harness.agent.GuestAgent;
import io.zdtmudp.harness.agent.GuestAgentTimeoutException;
import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.agent.Protocol;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One QEMU guest and its agent channel. The host listens on both unix sockets before QEMU starts,
 * so QEMU connects as a client and no byte from the guest is lost. A guest either boots cold
 * ({@link #start}) or resumes from a snapshot of an idle booted guest ({@link SnapshotStart}).
 * {@link #close()} asks QEMU to quit over QMP, then destroys it; a JVM shutdown hook covers whatever
 * close() did not reach.
 */
public final class QemuVm implements Vm {
    static final int CONSOLE_TAIL_LINES = 60;
    static final String SHARE_MOUNT_OPTIONS = "trans=virtio,version=9p2000.L,msize=512000,cache=none";

    private final VmConfig config;
    private final Timeouts timeouts;
    private final Process process;
    private final GuestAgent agent;
    private final Qmp qmp;
    private Duration bootTime = Duration.ZERO;
    private VmSnapshot startedFrom;

    private QemuVm(VmConfig config, Timeouts timeouts, Process process, GuestAgent agent, Qmp qmp) {
        this.config = config;
        this.timeouts = timeouts;
        this.process = process;
        this.agent = agent;
        this.qmp = qmp;
    }

    /** Boots cold, retrying once on a start failure (a flaky start is not a test verdict). */
    public static QemuVm startWithRetry(VmConfig config, Timeouts timeouts) {
        return withRetry(config, () -> start(config, timeouts));
    }

    /** Runs {@code start}, once more if it fails; a missing QEMU binary fails at once, without a retry. */
    static QemuVm withRetry(VmConfig config, Supplier<QemuVm> start) {
        QemuBinary.locate(config.qemuBinary(), System.getenv("PATH"));
        try {
            return start.get();
        } catch (VmStartException first) {
            System.err.println("zdtm: VM start failed, retrying once: " + first.getMessage());
            try {
                return start.get();
            } catch (VmStartException second) {
                second.addSuppressed(first);
                throw second;
            }
        }
    }

    /** Boots cold and waits for the agent's HELLO within {@link Timeouts#boot()}. */
    public static QemuVm start(VmConfig config, Timeouts timeouts) {
        return boot(config, timeouts, null);
    }

    /**
     * Boots cold. {@code whenIdle}, if given, runs once the agent said HELLO and before the host share
     * is mounted (a mounted 9p export blocks migration): the moment to save a snapshot.
     */
    static QemuVm boot(VmConfig config, Timeouts timeouts, Consumer<QemuVm> whenIdle) {
        QemuBinary.locate(config.qemuBinary(), System.getenv("PATH"));
        long t0 = System.nanoTime();
        try {
            // The console chardev appends (for restores): a leftover log must not precede this boot.
            Files.deleteIfExists(config.consoleLog());
        } catch (IOException e) {
            throw new VmStartException("removing an old console log: " + e.getMessage(), e);
        }
        return launch(config, timeouts, List.of(), null, vm -> {
            checkVersion(vm.agent.awaitHello(timeouts.boot()));
            if (whenIdle != null) {
                whenIdle.accept(vm);
            }
            vm.prepareGuest(false);
            vm.bootTime = Duration.ofNanos(System.nanoTime() - t0);
        });
    }

    /**
     * Starts QEMU from a snapshot: QEMU loads the saved guest (-incoming), which resumes where it was
     * saved, idle, its agent waiting. The agent said HELLO long ago, so readiness is a PING answered.
     * Then the guest clock is set from the host (it resumes at the snapshot's time) and the host share
     * is mounted. The QEMU command line is the one the snapshot was saved from (the key says so), but
     * for the per-run host paths. Each step ends a phase of {@code phases}.
     */
    static QemuVm restore(VmConfig config, Timeouts timeouts, VmSnapshot snapshot, StartPhases phases) {
        QemuBinary.locate(config.qemuBinary(), System.getenv("PATH"));
        long t0 = System.nanoTime();
        try {
            // The boot messages stay in this guest's console log, as after a cold boot.
            Files.createDirectories(config.runDir());
            Files.copy(snapshot.console(), config.consoleLog(), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(config.consoleLog(), "\nzdtm: --- guest restored from " + snapshot.dir() + " at "
                    + Instant.now() + " ---\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            deleteRunDir(config);
            throw new VmStartException("copying the snapshot's console log: " + e.getMessage(), e);
        }
        phases.mark("console");
        // QEMU reads the state from its standard input, a regular file: through a pipe (exec:cat) every 64 KiB
        // waited for cat to be scheduled, and on two busy cores a load took 2.2 s instead of 0.3 s.
        return launch(config, timeouts, List.of("-incoming", "fd:0"), snapshot.state(), vm -> {
            phases.mark("qemu");
            vm.startedFrom = snapshot;
            new Migration(vm.qmp, timeouts).awaitLoaded(snapshot.state());
            phases.mark("load");
            vm.qmp.execute("cont", timeouts.call());
            vm.pingWithin(timeouts.boot());
            phases.mark("resume");
            vm.prepareGuest(true);
            phases.mark("prepare");
            vm.bootTime = Duration.ofNanos(System.nanoTime() - t0);
        });
    }

    /** What a started QEMU must do before it counts as ready; any exception means it did not start. */
    private interface Readiness {
        void await(QemuVm vm) throws Exception;
    }

    /** {@code input}: the file on QEMU's standard input, or null (see {@link QemuLauncher#launch}). */
    private static QemuVm launch(VmConfig config, Timeouts timeouts, List<String> extraArgs, Path input, Readiness readiness) {
        Path run = config.runDir();
        Process process = null;
        SocketChannel agentCh = null;
        SocketChannel qmpCh = null;
        try {
            Files.createDirectories(run);
            try (ServerSocketChannel agentSrv = QemuSocket.listen(config.agentSocket());
                    ServerSocketChannel qmpSrv = QemuSocket.listen(config.qmpSocket())) {
                List<String> argv = new ArrayList<>(config.qemuArgv());
                argv.addAll(extraArgs);
                process = config.launcher().launch(config, argv, input);
                QemuReaper.register(process);
                agentCh = QemuSocket.accept(agentSrv, process, "agent", timeouts.boot());
                qmpCh = QemuSocket.accept(qmpSrv, process, "QMP", timeouts.boot());
            } finally {
                Files.deleteIfExists(config.agentSocket());
                Files.deleteIfExists(config.qmpSocket());
            }
            Qmp qmp = new Qmp(qmpCh);
            qmp.negotiate(timeouts.call());
            Process p = process;
            GuestAgent agent = new GuestAgent(agentCh, () -> describeExit(p, config, timeouts), timeouts.call(), timeouts.grace());
            process.onExit().thenRun(() -> agent.fail(describeExit(p, config, timeouts), null));
            QemuVm vm = new QemuVm(config, timeouts, process, agent, qmp);
            readiness.await(vm);
            return vm;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String why = whyNoStart(process, config, e, timeouts);
            kill(process);
            closeQuietly(agentCh);
            closeQuietly(qmpCh);
            VmStartException failure = new VmStartException("VM did not start (" + why + "): " + e.getMessage()
                    + qemuOutput(run) + "\n--- console tail ---\n" + ConsoleLog.tail(config.consoleLog(), CONSOLE_TAIL_LINES), e);
            deleteRunDir(config);
            throw failure;
        }
    }

    private static void checkVersion(int version) {
        if (version != Protocol.VERSION) {
            throw new IllegalStateException("guest agent speaks protocol " + version + ", harness " + Protocol.VERSION);
        }
    }

    /**
     * Saves the running guest to {@code stateFile} and lets it run on (see {@link Migration#save}); the
     * caller picks an idle moment.
     */
    public void saveState(Path stateFile) throws IOException {
        new Migration(qmp, timeouts).save(stateFile);
    }

    /** A PING answered within {@code timeout}: the agent's own call timeout is far longer than a boot. */
    private void pingWithin(Duration timeout) throws Exception {
        CompletableFuture<Integer> ping = CompletableFuture.supplyAsync(agent::ping);
        try {
            checkVersion(ping.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            throw new GuestAgentTimeoutException(
                    "guest agent did not answer PING within " + timeout.toMillis() + " ms after the snapshot loaded");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    /**
     * What the guest needs before a test: after a restore the wall clock from the host (CRIU and
     * console logs then make sense), and the host share (/init made the mount point). The two run as
     * concurrent EXECs: each is one fork+exec in the guest, and under TCG each costs tens of ms.
     */
    private void prepareGuest(boolean restored) throws Exception {
        List<CompletableFuture<?>> steps = new ArrayList<>();
        if (restored) {
            steps.add(guestStep("date", "-u", "-s", "@" + Instant.now().getEpochSecond()));
        }
        if (config.shareDir() != null) {
            steps.add(guestStep("mount", "-t", "9p", "-o", SHARE_MOUNT_OPTIONS, VmConfig.SHARE_TAG, GUEST_SHARE));
        }
        for (CompletableFuture<?> step : steps) {
            try {
                step.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception c ? c : e;
            }
        }
    }

    private CompletableFuture<?> guestStep(String... argv) {
        GuestCommand command = GuestCommand.builder().args(argv).timeout(timeouts.boot()).build();
        return CompletableFuture.supplyAsync(() -> agent.exec(command).orThrow());
    }

    /** A closed socket usually means QEMU is exiting: give it a moment so the status is the reason shown. */
    private static String whyNoStart(Process process, VmConfig config, Exception e, Timeouts timeouts) {
        if (process == null) {
            return "QEMU did not run";
        }
        try {
            process.waitFor(timeouts.shutdown().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        if (!process.isAlive()) {
            return QemuExit.describe(Optional.of(process.exitValue()), ConsoleLog.tail(config.consoleLog(), CONSOLE_TAIL_LINES));
        }
        return e instanceof GuestAgentTimeoutException
                ? "no agent HELLO within " + timeouts.boot().toMillis() + " ms"
                : "QEMU running, guest unreachable";
    }

    /** Time from the start call until the guest was ready (agent answering, share mounted). */
    public Duration bootTime() {
        return bootTime;
    }

    /**
     * QEMU's device tree ({@code info qtree}): devices, buses and properties, without host paths. A
     * guest resumed from a snapshot must show the same tree as the one that saved it.
     */
    public String deviceTree() throws IOException {
        return qmp.humanMonitor("info qtree", timeouts.call()).replace("\r", "");
    }

    /** The snapshot this guest resumed from; empty after a cold boot. */
    public Optional<VmSnapshot> startedFrom() {
        return Optional.ofNullable(startedFrom);
    }

    public VmConfig config() {
        return config;
    }

    public ProcessHandle processHandle() {
        return process.toHandle();
    }

    @Override
    public GuestAgent agent() {
        return agent;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive() && !agent.isGone();
    }

    @Override
    public Optional<Path> consoleLog() {
        return Optional.of(config.consoleLog());
    }

    @Override
    public String consoleTail(int lines) {
        return ConsoleLog.tail(config.consoleLog(), lines);
    }

    @Override
    public Optional<Path> shareDir() {
        return Optional.ofNullable(config.shareDir());
    }

    @Override
    public Timeouts timeouts() {
        return timeouts;
    }

    @Override
    public void close() {
        agent.close();
        try {
            if (process.isAlive()) {
                qmp.quit();
            }
        } catch (IOException ignored) {
            // QEMU may already be going: destroy below
        }
        try {
            if (!process.waitFor(timeouts.shutdown().toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(timeouts.shutdown().toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(qmp);
            QemuReaper.unregister(process);
            deleteRunDir(config);
        }
    }

    /** The run dir only holds sockets and logs of this VM; failure artifacts keep copies of what matters. */
    private static void deleteRunDir(VmConfig config) {
        try (var files = Files.walk(config.runDir())) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // already gone, or not ours to clean
        }
    }

    /** Why the guest is gone: waits briefly for QEMU to exit so its status and last words are known. */
    private static String describeExit(Process p, VmConfig config, Timeouts timeouts) {
        try {
            p.waitFor(timeouts.shutdown().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String tail = ConsoleLog.tail(config.consoleLog(), CONSOLE_TAIL_LINES);
        Optional<Integer> exit = p.isAlive() ? Optional.empty() : Optional.of(p.exitValue());
        return QemuExit.describe(exit, tail) + "; console tail:\n" + tail;
    }

    private static String qemuOutput(Path run) {
        try {
            Path out = run.resolve("qemu.out");
            String s = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8).strip() : "";
            return s.isEmpty() ? "" : "\n--- qemu output ---\n" + s;
        } catch (IOException e) {
            return "";
        }
    }

    private static void kill(Process p) {
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            QemuReaper.unregister(p);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort during cleanup
            }
        }
    }
}
