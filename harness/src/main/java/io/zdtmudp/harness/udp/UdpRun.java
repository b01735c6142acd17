package io.zdtmudp.harness.udp;

import static org.awaitility.Awaitility.await;

import io.zdtmudp.harness.agent.ExecResult;
import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.agent.GuestProcess;
import io.zdtmudp.harness.criu.Criu;
import io.zdtmudp.harness.criu.CriuBinary;
import io.zdtmudp.harness.criu.CriuResult;
import io.zdtmudp.harness.criu.DumpOptions;
import io.zdtmudp.harness.criu.RestoreOptions;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.images.CriuImages;
import io.zdtmudp.harness.images.ImageJsonDump;
import io.zdtmudp.harness.images.UdpQueueImage;
import io.zdtmudp.harness.images.proto.CriuImageProto.InetSkEntry;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.Endpoint;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.net.Payload;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * A {@link UdpScenario} running in the guest: the {@code udpq} workload in the
 * test's netns, checkpointed and restored by CRIU, then asked what its sockets
 * deliver. Every step fails with the evidence (workload stderr, CRIU log) and
 * attaches the dump, decoded, to the test's failure artifacts.
 */
public final class UdpRun implements AutoCloseable {
    /** Where the guest image installs the workload. */
    public static final String WORKLOAD = "/opt/zdtm/bin/udpq";
    private static final int SIGUSR1 = 10;
    private static final int SIGKILL = 9;

    private final Guest guest;
    private final UdpScenario scenario;
    private final Criu criu;
    private final String dir;
    private int pid;
    private int dumps;
    private CriuImages images;
    private CriuResult lastDump;
    private CriuResult lastRestore;
    private QueueInjection injection = QueueInjection.AUTO;
    private QueueReadout readout = QueueReadout.AUTO;
    private UdpQueuesMode queuesMode = UdpQueuesMode.RESTORE;
    private UdpOutcome ready;
    private boolean running;

    private UdpRun(Guest guest, UdpScenario scenario, CriuBinary binary) {
        this.guest = guest;
        this.scenario = scenario;
        this.criu = guest.criu(binary);
        this.dir = guest.workDir() + "/udpq";
    }

    /** Forces how the engine re-injects receive queues on the following restores. */
    public UdpRun injectWith(QueueInjection how) {
        this.injection = java.util.Objects.requireNonNull(how);
        return this;
    }

    /** The engine's {@code --udp-queues} mode for the following checkpoints and restores. */
    public UdpRun udpQueues(UdpQueuesMode mode) {
        this.queuesMode = java.util.Objects.requireNonNull(mode);
        return this;
    }

    /** Forces how the engine reads receive queues on the following checkpoints. */
    public UdpRun readWith(QueueReadout how) {
        this.readout = java.util.Objects.requireNonNull(how);
        return this;
    }

    /** Starts the workload with the default CRIU binary and waits until its queues are set up. */
    public static UdpRun start(Guest guest, UdpScenario scenario) {
        return start(guest, scenario, null);
    }

    /** Starts the workload; {@code binary} (null for the default) does the checkpoints. */
    public static UdpRun start(Guest guest, UdpScenario scenario, CriuBinary binary) {
        UdpRun run = new UdpRun(guest, scenario, binary == null ? guest.criu().binary() : binary);
        run.launch();
        return run;
    }

    private void launch() {
        // a run before this one in the same test left its ready file, which would pass for this run's
        guest.run("rm", "-rf", dir);
        guest.run("mkdir", "-p", dir);
        String script = scenario.script();
        guest.writeFile(dir + "/script", script);
        guest.attach("udpq.script", script);
        List<String> udpq = List.of(WORKLOAD, dir + "/script", dir + "/ready", dir + "/result");
        List<String> argv;
        if (scenario.ownsNetworkNamespace()) {
            // unshare without --fork execs in place, and so does sh: the pid spawned is udpq's.
            StringBuilder sh = new StringBuilder(Guest.IP + " link set lo up");
            if (scenario.multicastOnLoopback()) {
                sh.append(" && ").append(Guest.IP).append(" link set lo multicast on");
            }
            for (Endpoint a : scenario.extraAddresses()) {
                sh.append(" && ").append(Guest.IP).append(" -6 addr add ").append(a.host()).append("/128 dev lo nodad");
            }
            sh.append(" && exec ").append(String.join(" ", udpq));
            argv = List.of("unshare", "--net", "--", "sh", "-c", sh.toString());
        } else {
            if (scenario.multicastOnLoopback()) {
                guest.run("ip", "link", "set", "lo", "multicast", "on");
            }
            for (Endpoint a : scenario.extraAddresses()) {
                guest.run("ip", "-6", "addr", "add", a.host() + "/128", "dev", "lo", "nodad");
            }
            argv = udpq;
        }
        GuestProcess p = guest.spawn(GuestCommand.builder()
                .args(argv.toArray(String[]::new))
                .stdoutPath(dir + "/udpq.log").build());
        pid = p.pid();
        running = true;
        Duration limit = guest.timeouts().call();
        try {
            await("udpq ready (pid " + pid + ")").atMost(limit).pollInterval(Duration.ofMillis(50))
                    .until(() -> guest.exec("test", "-e", dir + "/ready").exitCode() == 0 || exited());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("udpq did not get ready within " + limit + ": " + workloadLog(), e);
        }
        if (exited()) {
            throw new IllegalStateException("udpq exited before the checkpoint: " + workloadLog());
        }
        ready = UdpOutcome.parse(text(dir + "/ready"));
    }

    private boolean exited() {
        OptionalInt status = guest.agent().waitPid(pid, Duration.ZERO);
        if (status.isPresent()) {
            running = false;
        }
        return status.isPresent();
    }

    private String workloadLog() {
        ExecResult r = guest.exec("cat", dir + "/udpq.log");
        return r.succeeded() ? "udpq said: " + r.stdout().strip() : "(no udpq log)";
    }

    /** The workload's pid (the same after a restore: CRIU restores pids). */
    public int pid() {
        return pid;
    }

    /** What the workload reported when it got ready (bound addresses, early peeks and states). */
    public UdpOutcome beforeCheckpoint() {
        return ready;
    }

    /** Dumps the workload; fails with CRIU's errors if the dump fails. */
    public CriuImages checkpoint() {
        CriuResult r = tryCheckpoint();
        if (!r.succeeded()) {
            throw new AssertionError("criu dump failed (exit " + r.exitCode() + "):\n"
                    + String.join("\n", r.errorLines()));
        }
        return images;
    }

    /** Dumps the workload and returns CRIU's result, whether or not it succeeded. */
    public CriuResult tryCheckpoint() {
        dumps++;
        String imagesDir = imagesDir();
        DumpOptions.Builder b = DumpOptions.builder().pid(pid).imagesDir(imagesDir).logFile(imagesDir + "/dump.log");
        readout.fault().ifPresent(b::fault);
        b.extraArgs(criuArgs());
        CriuResult r = criu.dump(b.build());
        lastDump = r;
        if (r.succeeded()) {
            running = false;
            images = CriuImages.open(copyToHost(imagesDir));
            guest.attach("images-" + dumps + ".json", ImageJsonDump.render(images));
        }
        return r;
    }

    /**
     * The --udp-queues mode, and for a namespace of the workload's own the lock: CRIU locks it during dump
     * and restore, and the guest has nftables (CRIU links libnftables) but no iptables, CRIU's default lock.
     */
    private String[] criuArgs() {
        List<String> args = new java.util.ArrayList<>(queuesMode.criuArgs());
        if (scenario.ownsNetworkNamespace()) {
            args.addAll(List.of("--network-lock", "nftables"));
        }
        return args.toArray(String[]::new);
    }

    /** CRIU's result (command, exit, log) of the last checkpoint attempt. */
    public CriuResult lastDump() {
        if (lastDump == null) {
            throw new IllegalStateException("no checkpoint yet");
        }
        return lastDump;
    }

    /** CRIU's result of the last restore attempt. */
    public CriuResult lastRestore() {
        if (lastRestore == null) {
            throw new IllegalStateException("no restore yet");
        }
        return lastRestore;
    }

    private String imagesDir() {
        return dir + "/images-" + dumps;
    }

    private java.nio.file.Path copyToHost(String imagesDir) {
        String share = guest.guestShareDir() + "/images-" + dumps;
        guest.run("sh", "-c", "rm -rf " + share + " && cp -r " + imagesDir + " " + share);
        return guest.hostDir().resolve("images-" + dumps);
    }

    /** The images of the last successful checkpoint. */
    public CriuImages images() {
        if (images == null) {
            throw new IllegalStateException("no checkpoint yet");
        }
        return images;
    }

    /**
     * The inet socket CRIU saved for {@code socket}, found by its bound address, and by the port it is
     * connected to when sockets share the address (SO_REUSEADDR).
     */
    public InetSkEntry savedSocket(UdpSocket socket) {
        Endpoint local = ready.local(socket);
        List<InetSkEntry> found = images().inetSockets().stream()
                .filter(sk -> sk.getSrcPort() == local.port() && sk.getFamily() == (local.family() == IpFamily.INET ? 2 : 10)
                        && endpointOf(sk).equals(local))
                .toList();
        if (found.size() > 1) {
            int peerPort = socket.peer() == null ? 0 : socket.peer().port();
            found = found.stream().filter(sk -> sk.getDstPort() == peerPort).toList();
        }
        if (found.size() != 1) {
            throw new AssertionError("expected one saved socket bound to " + local + ", found " + found.size());
        }
        return found.get(0);
    }

    private static Endpoint endpointOf(InetSkEntry sk) {
        ByteBuffer b = ByteBuffer.allocate(sk.getSrcAddrCount() * 4).order(ByteOrder.LITTLE_ENDIAN);
        sk.getSrcAddrList().forEach(b::putInt);
        // CRIU stores the address words as the kernel's u32s, i.e. network-order bytes read natively.
        byte[] addr = b.array();
        if (sk.getFamily() == 10 && addr.length == 4) {
            addr = new byte[16];
        }
        return Endpoint.of(addr, sk.getSrcPort());
    }

    /** The receive queue the engine saved for {@code socket}; empty if it saved none. */
    public List<Datagram> savedQueue(UdpSocket socket) {
        return UdpQueueImage.of(images(), savedSocket(socket).getId())
                .map(UdpQueueImage::datagrams).orElse(List.of());
    }

    /**
     * The whole cycle most cases need: checkpoint, check that the image holds
     * exactly each socket's expected queue, restore, let the workload drain
     * every socket, and check it delivers exactly those datagrams again.
     */
    public UdpOutcome checkpointRestoreAndCompare() {
        checkpoint();
        for (UdpSocket s : scenario.openSockets()) {
            QueueComparison.assertSame("queue of " + s + " in the dump image", scenario.queueOf(s),
                    asReceived(s, savedQueue(s)));
        }
        restore();
        UdpOutcome out = finish();
        for (UdpSocket s : scenario.openSockets()) {
            QueueComparison.assertSame("queue of " + s + " after restore", scenario.queueOf(s), out.received(s));
        }
        return out;
    }

    /** The image always records destinations; a socket without pktinfo never reports them. */
    private static List<Datagram> asReceived(UdpSocket s, List<Datagram> saved) {
        return s.reportsDestination() ? saved : saved.stream().map(Datagram::withoutDestination).toList();
    }

    /** The corked datagram the engine saved for {@code socket}, if it saved one. */
    public java.util.Optional<Payload> savedCork(UdpSocket socket) {
        return UdpQueueImage.of(images(), savedSocket(socket).getId())
                .flatMap(UdpQueueImage::corkedPayload).map(Payload::of);
    }

    /** Restores the last checkpoint; fails with CRIU's errors. */
    public CriuResult restore() {
        CriuResult r = tryRestore();
        if (!r.succeeded()) {
            throw new AssertionError("criu restore failed (exit " + r.exitCode() + "):\n"
                    + String.join("\n", r.errorLines()));
        }
        return r;
    }

    /** Restores the last checkpoint and returns CRIU's result, whether or not it succeeded. */
    public CriuResult tryRestore() {
        String imagesDir = imagesDir();
        RestoreOptions.Builder b = RestoreOptions.builder().imagesDir(imagesDir)
                .logFile(imagesDir + "/restore.log").restoreDetached(true)
                .pidFile(imagesDir + "/restore.pid");
        injection.fault().ifPresent(b::fault);
        b.extraArgs(criuArgs());
        RestoreOptions options = b.build();
        CriuResult r = criu.restore(options);
        lastRestore = r;
        if (r.succeeded()) {
            OptionalInt restored = criu.restoredPid(options);
            if (restored.isEmpty() || restored.getAsInt() != pid) {
                throw new AssertionError("restored pid " + restored + ", expected " + pid);
            }
            running = true;
        }
        return r;
    }

    /** Lets the workload run its after-restore part and returns everything it observed. */
    public UdpOutcome finish() {
        guest.agent().kill(pid, SIGUSR1, false);
        OptionalInt status = guest.agent().waitPid(pid, guest.timeouts().call());
        if (status.isEmpty()) {
            throw new AssertionError("udpq did not finish within " + guest.timeouts().call() + ": " + workloadLog());
        }
        running = false;
        String result = text(dir + "/result");
        guest.attach("udpq.result", result);
        UdpOutcome out = UdpOutcome.parse(result);
        if (status.getAsInt() != 0 || !out.complete()) {
            throw new AssertionError("udpq exited with " + status.getAsInt() + ": " + workloadLog());
        }
        return out;
    }

    private String text(String path) {
        return new String(guest.readFile(path), StandardCharsets.UTF_8);
    }

    /** Kills the workload if it still runs. */
    @Override
    public void close() {
        if (running && guest.vm().isAlive()) {
            guest.exec("kill", "-" + SIGKILL, Integer.toString(pid));
        }
    }
}
