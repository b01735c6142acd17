package io.zdtmudp.harness.guest;

import io.zdtmudp.harness.agent.ExecResult;
import io.zdtmudp.harness.agent.GuestAgent;
import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.agent.GuestProcess;
import io.zdtmudp.harness.criu.Criu;
import io.zdtmudp.harness.criu.CriuBinary;
import io.zdtmudp.harness.criu.CriuLog;
import io.zdtmudp.harness.vm.Timeouts;
import io.zdtmudp.harness.vm.Vm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One test's view of the guest: its own network namespace, a fresh work dir, a share dir the host
 * can read directly, and CRIU bound to both. Commands run in the test's netns unless they say
 * otherwise. {@link #open} sets it all up and {@link #close} removes it, killing whatever still runs
 * in the netns. Usable without JUnit (e.g. by a runner of dynamic tests).
 */
public final class Guest implements AutoCloseable {
    /**
     * iproute2's ip, by path: busybox sh prefers its own applets, and busybox ip has no netns support.
     */
    public static final String IP = "/usr/sbin/ip";
    /** /dev/kmsg rate-limits writers by default; a burst of tests starting together must not lose a marker. */
    private static final String KMSG_UNLIMITED = "echo on > /proc/sys/kernel/printk_devkmsg 2>/dev/null";

    private final Vm vm;
    private final int id;
    private final CriuBinary defaultCriu;
    private final List<CriuLog> criuLogs = new CopyOnWriteArrayList<>();
    private final Map<String, Attachment> attachments = new LinkedHashMap<>();
    private final Path hostDir;
    private String dmesgBefore = "";
    private long taintBefore;

    /** Something to write next to the failure artifacts: a host file or bytes. */
    public sealed interface Attachment permits FileAttachment, BytesAttachment {}

    public record FileAttachment(Path file) implements Attachment {}

    public record BytesAttachment(byte[] data) implements Attachment {}

    private Guest(Vm vm, int id, CriuBinary defaultCriu) {
        this.vm = vm;
        this.id = id;
        this.defaultCriu = defaultCriu;
        this.hostDir = vm.shareDir().map(d -> d.resolve("t" + id)).orElse(null);
    }

    /** Creates the netns, the work dir and the share dir, and notes dmesg and taint to compare later. */
    public static Guest open(Vm vm, int id, CriuBinary defaultCriu) {
        Guest g = new Guest(vm, id, defaultCriu);
        try {
            g.setUp();
        } catch (RuntimeException e) {
            // Undo what got done, and mark the end in the kernel log: other tests must not count this one as running.
            try {
                g.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return g;
    }

    private void setUp() {
        String ns = netnsName();
        agent().exec(GuestCommand.of("sh", "-c", KMSG_UNLIMITED + "; " + kmsg(KernelLogWindow.beginMarker(id)) + "; "
                + IP + " netns del " + ns + " 2>/dev/null; " + IP + " netns add " + ns + " && " + IP + " -n " + ns + " link set lo up"
                        + " && rm -rf " + workDir() + " && mkdir -p " + workDir())).orThrow();
        if (hostDir != null) {
            try {
                Files.createDirectories(hostDir);
            } catch (IOException e) {
                throw new UncheckedIOException("creating " + hostDir, e);
            }
        }
        dmesgBefore = dmesg();
        taintBefore = KernelHealth.parseTaint(agent().readText("/proc/sys/kernel/tainted"));
    }

    public Vm vm() {
        return vm;
    }

    public GuestAgent agent() {
        return vm.agent();
    }

    public Timeouts timeouts() {
        return vm.timeouts();
    }

    /** The test's number, unique in this JVM. */
    public int id() {
        return id;
    }

    public String netnsName() {
        return "z" + id;
    }

    /** The test's netns file, e.g. /run/netns/z3. */
    public String netns() {
        return "/run/netns/" + netnsName();
    }

    /** A fresh guest directory, e.g. /tmp/zdtm/3 (tmpfs). */
    public String workDir() {
        return "/tmp/zdtm/" + id;
    }

    /** The test's directory in the 9p share, seen from the host. */
    public Path hostDir() {
        if (hostDir == null) {
            throw new IllegalStateException("this VM has no host share");
        }
        return hostDir;
    }

    /** The same directory seen from the guest, e.g. /mnt/host/t3. */
    public String guestShareDir() {
        hostDir();
        return Vm.GUEST_SHARE + "/t" + id;
    }

    /** Runs a command in the test's netns; the result says how it ended (see {@link ExecResult#orThrow()}). */
    public ExecResult exec(String... argv) {
        return exec(GuestCommand.of(argv));
    }

    /** Runs a command, in the test's netns unless it names one, with the call timeout unless it has one. */
    public ExecResult exec(GuestCommand command) {
        return agent().exec(inTestNetns(command));
    }

    /** Runs a command that must succeed. */
    public ExecResult run(String... argv) {
        return exec(argv).orThrow();
    }

    public GuestProcess spawn(String... argv) {
        return spawn(GuestCommand.of(argv));
    }

    public GuestProcess spawn(GuestCommand command) {
        return agent().spawn(command.netns().isPresent() ? command : command.toBuilder().netns(netns()).build());
    }

    /**
     * Whether {@code pid} runs or sleeps in the guest: not a zombie, which has no sockets and only waits for
     * its reaper (a task a dump killed lingers as one until the agent reaps it).
     */
    public boolean alive(int pid) {
        ExecResult r = exec("sh", "-c", "grep '^State:' /proc/" + pid + "/status");
        return r.succeeded() && !r.stdout().contains("zombie");
    }

    public byte[] readFile(String path) {
        return agent().readFile(path);
    }

    public void writeFile(String path, byte[] data, int mode) {
        agent().writeFile(path, data, mode);
    }

    public void writeFile(String path, String text) {
        writeFile(path, text.getBytes(StandardCharsets.UTF_8), 0644);
    }

    /** CRIU (the default binary, -Dzdtm.criu) in the test's netns; its logs join the failure artifacts. */
    public Criu criu() {
        return criu(defaultCriu);
    }

    public Criu criu(CriuBinary binary) {
        return new Criu(agent(), binary, netns(), timeouts(), criuLogs);
    }

    /** Every CRIU log this test produced. */
    public List<CriuLog> criuLogs() {
        return List.copyOf(criuLogs);
    }

    /** Adds a host file to the failure artifacts (copied only if the test fails). */
    public void attach(String name, Path file) {
        synchronized (attachments) {
            attachments.put(name, new FileAttachment(file));
        }
    }

    public void attach(String name, byte[] data) {
        synchronized (attachments) {
            attachments.put(name, new BytesAttachment(data.clone()));
        }
    }

    public void attach(String name, String text) {
        attach(name, text.getBytes(StandardCharsets.UTF_8));
    }

    public Map<String, Attachment> attachments() {
        synchronized (attachments) {
            return Map.copyOf(attachments);
        }
    }

    /** The guest's kernel log. */
    public String dmesg() {
        return agent().exec(GuestCommand.of("dmesg")).orThrow().stdout();
    }

    /**
     * What dmesg gained since {@link #open} (for the failure artifacts), with the markers of other tests
     * that ran in the same guest meanwhile.
     */
    public String dmesgSinceOpen() {
        String now = dmesg();
        return KernelLogWindow.of(now, id).map(KernelLogWindow::text).orElseGet(() -> KernelHealth.slice(dmesgBefore, now));
    }

    /**
     * Oops, BUG, WARNING lines and new taint since {@link #open}; empty when the kernel stayed healthy.
     * When other tests shared the guest meanwhile, each problem names them: the kernel cannot say whose it is.
     */
    public List<String> kernelProblems() {
        String now = dmesg();
        long taint = KernelHealth.parseTaint(agent().readText("/proc/sys/kernel/tainted"));
        return KernelLogWindow.of(now, id).map(w -> KernelHealth.problems(w, taintBefore, taint))
                .orElseGet(() -> KernelHealth.problems(KernelHealth.slice(dmesgBefore, now), taintBefore, taint));
    }

    /** Kills what still runs in the netns, then removes it and the work dir. */
    @Override
    public void close() {
        if (!vm.isAlive()) {
            return;
        }
        String ns = netnsName();
        List<String> script = new ArrayList<>();
        script.add("for p in $(" + IP + " netns pids " + ns + " 2>/dev/null); do kill -9 $p 2>/dev/null; done");
        script.add(IP + " netns del " + ns + " 2>/dev/null");
        script.add("rm -rf " + workDir());
        script.add(kmsg(KernelLogWindow.endMarker(id)));
        agent().exec(GuestCommand.builder().args("sh", "-c", String.join("; ", script) + "; true")
                .timeout(timeouts().call()).build());
    }

    private static String kmsg(String line) {
        return "echo '" + line + "' > /dev/kmsg 2>/dev/null";
    }

    private GuestCommand inTestNetns(GuestCommand command) {
        GuestCommand.Builder b = command.toBuilder();
        if (command.netns().isEmpty()) {
            b.netns(netns());
        }
        if (command.timeout().isEmpty()) {
            b.timeout(timeouts().call());
        }
        return b.build();
    }
}
