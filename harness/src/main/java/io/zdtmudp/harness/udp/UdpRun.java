package io.zdtmudp.harness.udp;

import io.zdtmudp.harness.criu.CriuBinary;
import io.zdtmudp.harness.criu.CriuResult;
import io.zdtmudp.harness.cycle.ContainerInit;
import io.zdtmudp.harness.cycle.CrCycle;
import io.zdtmudp.harness.cycle.CrMode;
import io.zdtmudp.harness.cycle.Flavor;
import io.zdtmudp.harness.cycle.Readiness;
import io.zdtmudp.harness.cycle.RootfsEscape;
import io.zdtmudp.harness.cycle.Workload;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.images.CriuImages;
import io.zdtmudp.harness.images.UdpQueueImage;
import io.zdtmudp.harness.images.proto.CriuImageProto.InetSkEntry;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.Endpoint;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.net.Payload;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A {@link UdpScenario} running in the guest: the {@code udpq} workload in the
 * test's namespaces or in its {@link Flavor}'s own, checkpointed and restored by a {@link CrCycle},
 * then asked what its sockets deliver. Every step fails with the evidence (workload
 * output, CRIU log); the cycle attaches each dump, decoded, to the failure artifacts.
 */
public final class UdpRun implements AutoCloseable {
    /** Where the guest image installs the workload. */
    public static final String WORKLOAD = "/opt/zdtm/bin/udpq";
    private static final int SIGUSR1 = 10;

    private final Guest guest;
    private final UdpScenario scenario;
    private final Flavor flavor;
    private final CriuBinary binary;
    private final String dir;
    /** Where the workload's files are: its root under {@code uns}, the run's directory otherwise. */
    private final String files;
    private CrCycle cycle;
    private QueueInjection injection = QueueInjection.AUTO;
    private QueueReadout readout = QueueReadout.AUTO;
    private UdpQueuesMode queuesMode = UdpQueuesMode.RESTORE;
    private UdpOutcome ready;
    private Workload workload;

    private UdpRun(Guest guest, UdpScenario scenario, CriuBinary binary) {
        this.guest = guest;
        this.scenario = scenario;
        this.flavor = flavorOf(scenario, Flavor.fromSystemProperties());
        this.binary = binary;
        this.dir = guest.workDir() + "/udpq";
        this.files = flavor.ownsUserNamespace() ? dir + "/root" : dir;
    }

    /**
     * The flavor a scenario runs in under the run's {@code -Dzdtm.flavor}: a scenario that owns its network
     * namespace keeps one under {@code h}; a client in a named namespace (a server's peer) stays there.
     */
    static Flavor flavorOf(UdpScenario scenario, Flavor asked) {
        if (scenario.namedNamespace().isPresent()) {
            return Flavor.H;
        }
        return scenario.ownsNetworkNamespace() ? asked.atLeast(Flavor.NS) : asked;
    }

    /** The namespaces the workload owns. */
    public Flavor flavor() {
        return flavor;
    }

    /** Forces how the engine re-injects receive queues on the following restores. */
    public UdpRun injectWith(QueueInjection how) {
        this.injection = Objects.requireNonNull(how);
        configure();
        return this;
    }

    /** The engine's {@code --udp-queues} mode for the following checkpoints and restores. */
    public UdpRun udpQueues(UdpQueuesMode mode) {
        this.queuesMode = Objects.requireNonNull(mode);
        configure();
        return this;
    }

    /** The cycle's mode for the following checkpoints and restores (the run's {@code -Dzdtm.mode} until set). */
    public UdpRun mode(CrMode how) {
        cycle.mode(how);
        return this;
    }

    /** Forces how the engine reads receive queues on the following checkpoints. */
    public UdpRun readWith(QueueReadout how) {
        this.readout = Objects.requireNonNull(how);
        configure();
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
        guest.run("mkdir", "-p", files);
        String script = scenario.script();
        if (flavor.ownsUserNamespace()) {
            UnprivilegedBuffers.admit(guest, script);
            script = UnprivilegedBuffers.script(script);
        }
        guest.writeFile(files + "/script", script);
        guest.attach("udpq.script", script);
        if (flavor.ownsUserNamespace()) {
            launchInContainer();
            return;
        }
        List<String> udpq = List.of(WORKLOAD, dir + "/script", dir + "/ready", dir + "/result");
        List<String> argv;
        if (flavor.ownsNetworkNamespace()) {
            // unshare without --fork execs in place, and so does sh: the pid spawned is udpq's.
            String sh = networkPrelude() + " && exec " + String.join(" ", udpq);
            argv = new ArrayList<>(flavor.unshare());
            argv.addAll(List.of("sh", "-c", sh));
        } else if (scenario.namedNamespace().isPresent()) {
            // ip netns exec execs udpq itself, so the pid spawned is udpq's
            argv = new ArrayList<>(List.of(Guest.IP, "netns", "exec", scenario.namedNamespace().get()));
            argv.addAll(udpq);
        } else {
            if (scenario.multicastOnLoopback()) {
                guest.run("ip", "link", "set", "lo", "multicast", "on");
            }
            for (Endpoint a : scenario.extraAddresses()) {
                guest.run("ip", "-6", "addr", "add", a.host() + "/128", "dev", "lo", "nodad");
            }
            argv = udpq;
        }
        workload = Workload.spawn(guest, Readiness.fileExists(dir + "/ready"), dir + "/udpq.log",
                argv.toArray(String[]::new));
        cycle = CrCycle.of(guest, guest.criu(binary), workload.pid(), dir).mode(CrMode.fromSystemProperties());
        configure();
        ready = UdpOutcome.parse(text(dir + "/ready"));
    }

    /** What a task owning its network namespace sets up there first: lo, multicast on it, extra addresses. */
    private String networkPrelude() {
        StringBuilder sh = new StringBuilder(Guest.IP + " link set lo up");
        if (scenario.multicastOnLoopback()) {
            sh.append(" && ").append(Guest.IP).append(" link set lo multicast on");
        }
        for (Endpoint a : scenario.extraAddresses()) {
            sh.append(" && ").append(Guest.IP).append(" -6 addr add ").append(a.host()).append("/128 dev lo nodad");
        }
        return sh.toString();
    }

    /**
     * The uns flavor: udpq, a static binary, copied into a root of its own with its script, runs as a
     * container's init there; CRIU restores it into that root, from out of rootfs.
     */
    private void launchInContainer() {
        guest.run("cp", WORKLOAD, files + "/udpq");
        workload = ContainerInit.start(guest, files, networkPrelude(), Readiness.fileExists(files + "/ready"),
                List.of("/udpq", "/script", "/ready", "/result"));
        cycle = CrCycle.of(guest, guest.criu(binary).through(RootfsEscape.launcher()), workload.pid(), dir)
                .restoreArgs(ContainerInit.restoreArgs(files)).mode(CrMode.fromSystemProperties());
        configure();
        ready = UdpOutcome.parse(text(files + "/ready"));
    }

    private String workloadLog() {
        return "udpq: " + workload.output();
    }

    /** The workload's pid (the same after a restore, as CRIU restores pids, except under {@code uns}: see CrCycle). */
    public int pid() {
        return cycle.pid();
    }

    /** The guest the workload runs in. */
    public Guest guest() {
        return guest;
    }

    /** The checkpoint/restore cycle under this run, for what the udpq driver does not wrap. */
    public CrCycle cycle() {
        return cycle;
    }

    /** What the workload reported when it got ready (bound addresses, early peeks and states). */
    public UdpOutcome beforeCheckpoint() {
        return ready;
    }

    /**
     * Dumps the workload; fails with CRIU's errors if the dump fails, and if the flavor's network or user
     * namespace is not in the images (a case that passed in the test's netns would prove nothing of the flavor).
     */
    public CriuImages checkpoint() {
        CriuImages images = cycle.checkpoint();
        boolean netns = images.imageNames().stream().anyMatch(n -> n.startsWith("netns-"));
        if (netns != flavor.ownsNetworkNamespace()) {
            throw new AssertionError("flavor " + flavor.cliName() + ", but the dump " + (netns ? "has" : "has no")
                    + " network namespace image: " + images.imageNames());
        }
        boolean userns = images.imageNames().stream().anyMatch(n -> n.startsWith("userns-"));
        if (userns != flavor.ownsUserNamespace()) {
            throw new AssertionError("flavor " + flavor.cliName() + ", but the dump " + (userns ? "has" : "has no")
                    + " user namespace image: " + images.imageNames());
        }
        return images;
    }

    /** Dumps the workload and returns CRIU's result, whether or not it succeeded. */
    public CriuResult tryCheckpoint() {
        return cycle.tryCheckpoint();
    }

    /** The engine's mode and forced paths, as CRIU arguments and faults of the cycle's following steps. */
    private void configure() {
        cycle.dumpFault(readout.fault()).restoreFault(injection.fault()).args(queuesMode.criuArgs());
    }

    /** CRIU's result (command, exit, log) of the last checkpoint attempt. */
    public CriuResult lastDump() {
        return cycle.lastDump();
    }

    /** CRIU's result of the last restore attempt. */
    public CriuResult lastRestore() {
        return cycle.lastRestore();
    }

    /** The images of the last successful checkpoint. */
    public CriuImages images() {
        return cycle.images();
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
    public Optional<Payload> savedCork(UdpSocket socket) {
        return UdpQueueImage.of(images(), savedSocket(socket).getId())
                .flatMap(UdpQueueImage::corkedPayload).map(Payload::of);
    }

    /** Restores the last checkpoint; fails with CRIU's errors. */
    public CriuResult restore() {
        return cycle.restore();
    }

    /** Restores the last checkpoint and returns CRIU's result, whether or not it succeeded. */
    public CriuResult tryRestore() {
        return cycle.tryRestore();
    }

    /** Lets the workload run its after-restore part and returns everything it observed. */
    public UdpOutcome finish() {
        int pid = pid();
        guest.agent().kill(pid, SIGUSR1, false);
        OptionalInt status = guest.agent().waitPid(pid, guest.timeouts().call());
        if (status.isEmpty()) {
            throw new AssertionError("udpq did not finish within " + guest.timeouts().call() + ": " + workloadLog());
        }
        cycle.ended();
        String result = text(files + "/result");
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
        if (cycle != null) {
            cycle.kill();
        }
    }
}
