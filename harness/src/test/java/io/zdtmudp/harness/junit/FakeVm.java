package io.zdtmudp.harness.junit;

import io.zdtmudp.harness.agent.AgentFrame;
import io.zdtmudp.harness.agent.FakeAgentServer;
import io.zdtmudp.harness.agent.GuestAgent;
import io.zdtmudp.harness.agent.Protocol;
import io.zdtmudp.harness.vm.Timeouts;
import io.zdtmudp.harness.vm.Vm;
import io.zdtmudp.harness.vm.VmFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A VM without QEMU: an in-JVM agent that answers every EXEC with success and records what ran. */
public final class FakeVm implements Vm {
    public static final AtomicInteger CREATED = new AtomicInteger();
    public static final AtomicInteger CLOSED = new AtomicInteger();
    static final List<String> COMMANDS = new CopyOnWriteArrayList<>();
    static volatile String dmesg = "[0.0] booted\n";
    static volatile String failCreation;
    /** An argument {@code fake-delay-ms=N} makes the command take N ms, as a slow guest command would. */
    private static final Pattern DELAY = Pattern.compile("fake-delay-ms=(\\d+)");
    private static final Pattern KMSG_WRITE = Pattern.compile("echo '([^']*)' > /dev/kmsg");

    private final FakeAgentServer server;
    private final GuestAgent agent;
    private final Path console;
    private final Path share;
    private volatile boolean alive = true;

    public static void reset() {
        CREATED.set(0);
        CLOSED.set(0);
        COMMANDS.clear();
        dmesg = "[0.0] booted\n";
        failCreation = null;
    }

    FakeVm() {
        try {
            server = new FakeAgentServer(FakeVm::answer);
            console = Files.createTempFile("fake-console", ".log");
            Files.writeString(console, "fake console line 1\nfake console line 2\n");
            share = Files.createTempDirectory("fake-share");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        agent = new GuestAgent(server.hostChannel(), () -> "fake QEMU exited with status 0; console tail:\nfake console line 2",
                Duration.ofSeconds(5), Duration.ofSeconds(1));
        CREATED.incrementAndGet();
    }

    private static AgentFrame answer(AgentFrame request) {
        switch (request.kind()) {
            case Protocol.OP_EXEC: {
                List<String> argv = request.all(Protocol.ARGV).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
                String ns = request.string(Protocol.NETNS).map(n -> " [" + n + "]").orElse("");
                COMMANDS.add(String.join(" ", argv) + ns);
                argv.forEach(FakeVm::logKmsgWrites);
                argv.forEach(FakeVm::takeYourTime);
                String out = argv.get(0).equals("dmesg") ? dmesg : "";
                return AgentFrame.builder(0, Protocol.OK).u32(Protocol.EXIT, 0).string(Protocol.STDOUT, out).string(Protocol.STDERR, "").build();
            }
            case Protocol.OP_READ_FILE:
                return AgentFrame.builder(0, Protocol.OK).string(Protocol.DATA, "0\n").build();
            default:
                return AgentFrame.builder(0, Protocol.OK).build();
        }
    }

    private static void takeYourTime(String arg) {
        Matcher m = DELAY.matcher(arg);
        if (m.matches()) {
            try {
                Thread.sleep(Long.parseLong(m.group(1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Like the kernel: what a command echoes into /dev/kmsg shows up in dmesg. */
    private static void logKmsgWrites(String arg) {
        Matcher m = KMSG_WRITE.matcher(arg);
        while (m.find()) {
            log(m.group(1));
        }
    }

    /** Appends a kernel log line (tests may call it as "the kernel"). */
    static synchronized void log(String line) {
        dmesg = dmesg + "[9.9] " + line + "\n";
    }

    /** Simulates the guest dying (agent channel closes). */
    void die() throws IOException {
        alive = false;
        server.die();
    }

    @Override
    public GuestAgent agent() {
        return agent;
    }

    @Override
    public boolean isAlive() {
        return alive && !agent.isGone();
    }

    @Override
    public Optional<Path> consoleLog() {
        return Optional.of(console);
    }

    @Override
    public String consoleTail(int lines) {
        return io.zdtmudp.harness.vm.ConsoleLog.tail(console, lines);
    }

    @Override
    public Optional<Path> shareDir() {
        return Optional.of(share);
    }

    @Override
    public Timeouts timeouts() {
        return new Timeouts(1);
    }

    @Override
    public void close() {
        alive = false;
        agent.close();
        try {
            Files.deleteIfExists(console);
            try (var files = Files.walk(share)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException ignored) {
            // temp files only
        }
        CLOSED.incrementAndGet();
    }

    /** Selected with zdtm.vm.factory. */
    public static final class Factory implements VmFactory {
        @Override
        public Vm create(Function<String, Optional<String>> parameters) {
            if (failCreation != null) {
                throw new IllegalStateException(failCreation);
            }
            return new FakeVm();
        }
    }
}
