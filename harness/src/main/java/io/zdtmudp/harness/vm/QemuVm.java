package io.zdtmudp.harness.vm;

import static org.awaitility.Awaitility.await;

import io.zdtmudp.harness.agent.GuestAgent;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One QEMU guest and its agent channel. The host listens on both unix sockets before QEMU starts,
 * so QEMU connects as a client and no byte from the guest is lost. {@link #close()} asks QEMU to quit
 * over QMP, then destroys it; a JVM shutdown hook covers whatever close() did not reach.
 */
public final class QemuVm implements Vm {
    static final int CONSOLE_TAIL_LINES = 60;

    private final VmConfig config;
    private final Timeouts timeouts;
    private final Process process;
    private final GuestAgent agent;
    private final Qmp qmp;
    private final Duration bootTime;

    private QemuVm(VmConfig config, Timeouts timeouts, Process process, GuestAgent agent, Qmp qmp, Duration bootTime) {
        this.config = config;
        this.timeouts = timeouts;
        this.process = process;
        this.agent = agent;
        this.qmp = qmp;
        this.bootTime = bootTime;
    }

    /** Boots, retrying once on a start failure (a flaky start is not a test verdict). */
    public static QemuVm startWithRetry(VmConfig config, Timeouts timeouts) {
        try {
            return start(config, timeouts);
        } catch (VmStartException first) {
            System.err.println("zdtm: VM start failed, retrying once: " + first.getMessage());
            try {
                return start(config, timeouts);
            } catch (VmStartException second) {
                second.addSuppressed(first);
                throw second;
            }
        }
    }

    /** Boots and waits for the agent's HELLO within {@link Timeouts#boot()}. */
    public static QemuVm start(VmConfig config, Timeouts timeouts) {
        long t0 = System.nanoTime();
        Path run = config.runDir();
        Process process = null;
        SocketChannel agentCh = null;
        SocketChannel qmpCh = null;
        try {
            Files.createDirectories(run);
            Files.deleteIfExists(config.consoleLog());
            try (ServerSocketChannel agentSrv = listen(config.agentSocket());
                    ServerSocketChannel qmpSrv = listen(config.qmpSocket())) {
                process = config.launcher().launch(config, config.qemuArgv());
                QemuReaper.register(process);
                agentCh = accept(agentSrv, process, "agent", timeouts.boot());
                qmpCh = accept(qmpSrv, process, "QMP", timeouts.boot());
            } finally {
                Files.deleteIfExists(config.agentSocket());
                Files.deleteIfExists(config.qmpSocket());
            }
            Qmp qmp = new Qmp(qmpCh);
            qmp.negotiate(timeouts.call());
            Process p = process;
            GuestAgent agent = new GuestAgent(agentCh, () -> describeExit(p, config, timeouts), timeouts.call(), timeouts.grace());
            process.onExit().thenRun(() -> agent.fail(describeExit(p, config, timeouts), null));
            int version = agent.awaitHello(timeouts.boot());
            if (version != io.zdtmudp.harness.agent.Protocol.VERSION) {
                throw new IllegalStateException("guest agent speaks protocol " + version + ", harness "
                        + io.zdtmudp.harness.agent.Protocol.VERSION);
            }
            return new QemuVm(config, timeouts, process, agent, qmp, Duration.ofNanos(System.nanoTime() - t0));
        } catch (IOException | RuntimeException e) {
            String why = whyNoStart(process, e, timeouts);
            kill(process);
            closeQuietly(agentCh);
            closeQuietly(qmpCh);
            VmStartException failure = new VmStartException("VM did not start (" + why + "): " + e.getMessage()
                    + qemuOutput(run) + "\n--- console tail ---\n" + ConsoleLog.tail(config.consoleLog(), CONSOLE_TAIL_LINES), e);
            deleteRunDir(config);
            throw failure;
        }
    }

    /** A closed socket usually means QEMU is exiting: give it a moment so the status is the reason shown. */
    private static String whyNoStart(Process process, Exception e, Timeouts timeouts) {
        if (process == null) {
            return "QEMU did not run";
        }
        try {
            process.waitFor(timeouts.shutdown().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        if (!process.isAlive()) {
            return "QEMU exited with status " + process.exitValue();
        }
        return e instanceof io.zdtmudp.harness.agent.GuestAgentTimeoutException
                ? "no agent HELLO within " + timeouts.boot().toMillis() + " ms"
                : "QEMU running, guest unreachable";
    }

    /** Time from QEMU start to the agent's HELLO. */
    public Duration bootTime() {
        return bootTime;
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

    private static ServerSocketChannel listen(Path socket) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(socket));
        s.configureBlocking(false);
        return s;
    }

    private static SocketChannel accept(ServerSocketChannel server, Process qemu, String what, Duration timeout)
            throws IOException {
        AtomicReference<SocketChannel> got = new AtomicReference<>();
        try {
            await("QEMU connects to the " + what + " socket")
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        SocketChannel c = server.accept();
                        if (c != null) {
                            got.set(c);
                        }
                        return c != null || !qemu.isAlive();
                    });
        } catch (ConditionTimeoutException e) {
            throw new IOException("QEMU did not connect to the " + what + " socket within " + timeout.toMillis() + " ms");
        }
        if (got.get() == null) {
            throw new IOException("QEMU exited before connecting to the " + what + " socket");
        }
        SocketChannel c = got.get();
        c.configureBlocking(true);
        return c;
    }

    /** Why the guest is gone: waits briefly for QEMU to exit so its status and last words are known. */
    private static String describeExit(Process p, VmConfig config, Timeouts timeouts) {
        try {
            p.waitFor(timeouts.shutdown().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String status = p.isAlive() ? "QEMU still running" : "QEMU exited with status " + p.exitValue();
        return status + "; console tail:\n" + ConsoleLog.tail(config.consoleLog(), CONSOLE_TAIL_LINES);
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
