package io.zdtmudp.harness.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both ends of the protocol for real, without a VM: the C agent built for the host talks to
 * {@link GuestAgent} over a unix socket (its {@code unix:PATH} port). Skipped when gcc is missing.
 */
class AgentAgainstHostBinaryTest {
    private static final Path SOURCE = findSource();
    private static Path dir;
    private static Process agentProcess;
    private static GuestAgent agent;

    @BeforeAll
    static void startAgent(@TempDir Path tmp) throws Exception {
        assumeTrue(SOURCE != null, "vm-images/guest/agent/zdtm-agent.c not found");
        dir = tmp;
        Path binary = tmp.resolve("zdtm-agent");
        Process cc = new ProcessBuilder("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", binary.toString(), SOURCE.toString())
                .redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(cc.waitFor(120, TimeUnit.SECONDS), "gcc did not finish");
        assertThat(cc.exitValue()).as("gcc output: %s", ccOut).isZero();

        Path sock = Path.of("/tmp", "zdtm-agent-test-" + ProcessHandle.current().pid() + ".sock");
        Files.deleteIfExists(sock);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            ProcessBuilder pb = new ProcessBuilder(binary.toString(), "unix:" + sock).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("agent.out").toFile());
            pb.environment().put("ZDTM_AGENT_LOCK", tmp.resolve("lock").toString());
            agentProcess = pb.start();
            SocketChannel ch = server.accept();
            agent = new GuestAgent(ch, () -> "host agent exited: " + agentProcess.isAlive(), Duration.ofSeconds(20), Duration.ofSeconds(2));
        } finally {
            Files.deleteIfExists(sock);
        }
        assertThat(agent.awaitHello(Duration.ofSeconds(10))).isEqualTo(Protocol.VERSION);
    }

    @AfterAll
    static void stopAgent() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (agentProcess != null) {
            agentProcess.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void execReturnsExitCodeStdoutStderrAndFeedsStdin() {
        ExecResult r = agent.exec(GuestCommand.builder().args("sh", "-c", "cat; echo oops >&2; exit 3").stdin("hello").build());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("hello");
        assertThat(r.stderr()).isEqualTo("oops\n");
        assertThat(r.timedOut()).isFalse();
    }

    @Test
    void execTimeoutKillsTheWholeProcessGroup() {
        ExecResult r = agent.exec(GuestCommand.builder().args("sh", "-c", "sleep 30 & sleep 30").timeout(Duration.ofMillis(300)).build());
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(128 + 9);
        assertThat(r.duration()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void execOfAMissingBinaryIsAnAgentError() {
        assertThatThrownBy(() -> agent.exec(GuestCommand.of("/nonexistent/bin")))
                .isInstanceOfSatisfying(GuestAgentException.class, e -> assertThat(e.errno()).hasValue(2))
                .hasMessageContaining("/nonexistent/bin");
    }

    @Test
    void envAndCwdReachTheCommand() {
        ExecResult r = agent.exec(GuestCommand.builder().args("sh", "-c", "echo $ZDTM_X; pwd").env("ZDTM_X", "42").cwd("/").build());
        assertThat(r.stdout()).isEqualTo("42\n/\n");
    }

    @Test
    void concurrentExecsAnswerIndependently() throws Exception {
        CompletableFuture<ExecResult> slow = CompletableFuture.supplyAsync(() -> agent.exec(GuestCommand.of("sleep", "1")));
        long t0 = System.nanoTime();
        agent.exec(GuestCommand.of("true")).orThrow();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(900));
        assertThat(slow.get(10, TimeUnit.SECONDS).exitCode()).isZero();
    }

    @Test
    void spawnWaitAndKill() {
        Path out = dir.resolve("spawn.out");
        GuestProcess p = agent.spawn(GuestCommand.builder().args("sh", "-c", "echo started; exec sleep 30").stdoutPath(out.toString()).build());
        assertThat(p.waitFor(Duration.ofMillis(200))).isEmpty();
        p.kill(15);
        assertThat(p.waitFor(Duration.ofSeconds(5))).hasValue(128 + 15);
        assertThat(p.waitFor(Duration.ofSeconds(1))).as("exit status is remembered").hasValue(128 + 15);
        assertThat(out).hasContent("started");
    }

    @Test
    void orphansAreReapedByTheSubreaperAndWaitable() {
        ExecResult r = agent.exec(GuestCommand.of("sh", "-c", "(sleep 0.3; exit 5) >/dev/null 2>&1 & echo $!")).orThrow();
        GuestProcess orphan = new GuestProcess(agent, Integer.parseInt(r.stdout().strip()));
        assertThat(orphan.waitFor(Duration.ofSeconds(5))).hasValue(5);
    }

    @Test
    void killGroupReachesChildren() {
        GuestProcess p = agent.spawn(GuestCommand.of("sh", "-c", "sleep 30 & sleep 30; true"));
        p.killGroup(9);
        assertThat(p.waitFor(Duration.ofSeconds(5))).hasValue(128 + 9);
    }

    @Test
    void filesRoundTripWithModeAndMissingFilesAreErrors() throws IOException {
        String path = dir.resolve("f.bin").toString();
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        agent.writeFile(path, data, 0600);
        assertThat(agent.readFile(path)).isEqualTo(data);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(path)))).isEqualTo("rw-------");
        assertThatThrownBy(() -> agent.readFile(dir.resolve("missing").toString()))
                .isInstanceOfSatisfying(GuestAgentException.class, e -> assertThat(e.errno()).hasValue(2));
    }

    @Test
    void waitOnAnUnknownPidIsAnError() {
        assertThatThrownBy(() -> agent.waitPid(999_999_9, Duration.ofMillis(100))).isInstanceOf(GuestAgentException.class)
                .hasMessageContaining("not a process the agent saw");
    }

    @Test
    void manySmallCallsAreFast() {
        long t0 = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            agent.ping();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        List<ExecResult> rs = java.util.stream.IntStream.range(0, 8).parallel()
                .mapToObj(i -> agent.exec(GuestCommand.of("echo", "n" + i))).toList();
        assertThat(rs).allSatisfy(r -> assertThat(r.stdout()).startsWith("n"));
    }

    private static Path findSource() {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            Path c = d.resolve("vm-images/guest/agent/zdtm-agent.c");
            if (Files.exists(c)) {
                return c;
            }
        }
        return null;
    }
}
