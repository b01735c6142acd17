package io.zdtmudp.harness.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GuestAgentTest {
    private static final Duration CALL = Duration.ofSeconds(5);
    private static final Duration GRACE = Duration.ofMillis(200);

    @Test
    void helloGivesTheVersionAndPingAnswers() throws Exception {
        try (FakeAgentServer guest = new FakeAgentServer(r -> AgentFrame.builder(0, Protocol.OK).u32(Protocol.TAG_VERSION, 1).build());
                GuestAgent agent = new GuestAgent(guest.hostChannel(), () -> "test", CALL, GRACE)) {
            guest.hello();
            assertThat(agent.awaitHello(CALL)).isEqualTo(1);
            assertThat(agent.ping()).isEqualTo(1);
        }
    }

    @Test
    void answersAreMatchedByIdEvenOutOfOrder() throws Exception {
        CountDownLatch fastDone = new CountDownLatch(1);
        try (FakeAgentServer guest = new FakeAgentServer(r -> {
                    String arg = r.string(Protocol.ARGV).orElse("");
                    if (arg.equals("slow")) {
                        await(fastDone);
                    }
                    return AgentFrame.builder(0, Protocol.OK).u32(Protocol.EXIT, 0).string(Protocol.STDOUT, arg).build();
                });
                GuestAgent agent = new GuestAgent(guest.hostChannel(), () -> "test", CALL, GRACE)) {
            CompletableFuture<ExecResult> slow = CompletableFuture.supplyAsync(() -> agent.exec(GuestCommand.of("slow")));
            Thread.sleep(50);
            assertThat(agent.exec(GuestCommand.of("fast")).stdout()).isEqualTo("fast");
            fastDone.countDown();
            assertThat(slow.get(5, TimeUnit.SECONDS).stdout()).isEqualTo("slow");
        }
    }

    @Test
    void errorAnswerBecomesGuestAgentExceptionWithErrno() throws Exception {
        try (FakeAgentServer guest = new FakeAgentServer(r -> AgentFrame.builder(0, Protocol.ERROR)
                        .string(Protocol.MESSAGE, "open /x: No such file or directory").u32(Protocol.ERRNO, 2).build());
                GuestAgent agent = new GuestAgent(guest.hostChannel(), () -> "test", CALL, GRACE)) {
            assertThatThrownBy(() -> agent.readFile("/x"))
                    .isInstanceOfSatisfying(GuestAgentException.class, e -> assertThat(e.errno()).hasValue(2))
                    .hasMessageContaining("READ_FILE /x").hasMessageContaining("No such file");
        }
    }

    @Test
    void unansweredCallTimesOut() throws Exception {
        try (FakeAgentServer guest = new FakeAgentServer(r -> null);
                GuestAgent agent = new GuestAgent(guest.hostChannel(), () -> "test", Duration.ofMillis(200), GRACE)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(agent::ping).isInstanceOf(GuestAgentTimeoutException.class).hasMessageContaining("PING");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void commandTimeoutPlusGraceBoundsTheExecCall() throws Exception {
        try (FakeAgentServer guest = new FakeAgentServer(r -> null);
                GuestAgent agent = new GuestAgent(guest.hostChannel(), () -> "test", Duration.ofSeconds(30), GRACE)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> agent.exec(GuestCommand.builder().args("x").timeout(Duration.ofMillis(100)).build()))
                    .isInstanceOf(GuestAgentTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void whenTheChannelClosesEveryPendingCallFailsAtOnceWithTheReason() throws Exception {
        try (FakeAgentServer guest = new FakeAgentServer(r -> null);
                GuestAgent agent = new GuestAgent(guest.hostChannel(), () -> "QEMU exited with status 0; console tail: bye",
                        Duration.ofSeconds(60), GRACE)) {
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> agent.exec(GuestCommand.of("sleep", "100")));
            CompletableFuture<Void> b = CompletableFuture.runAsync(agent::ping);
            Thread.sleep(100);
            long t0 = System.nanoTime();
            guest.die();
            for (CompletableFuture<Void> f : java.util.List.of(a, b)) {
                assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(GuestAgentGoneException.class)
                        .hasMessageContaining("guest agent gone").hasMessageContaining("QEMU exited with status 0");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            assertThat(agent.isGone()).isTrue();
            assertThatThrownBy(agent::ping).isInstanceOf(GuestAgentGoneException.class);
        }
    }

    @Test
    void garbageFromTheGuestFailsTheChannelWithAProtocolMessage() throws Exception {
        try (FakeAgentServer guest = new FakeAgentServer(r -> null);
                GuestAgent agent = new GuestAgent(guest.hostChannel(), () -> "test", Duration.ofSeconds(60), GRACE)) {
            CompletableFuture<Void> a = CompletableFuture.runAsync(agent::ping);
            Thread.sleep(50);
            guest.sendRaw(java.nio.ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 0, 0, 0, 0}));
            assertThatThrownBy(() -> a.get(5, TimeUnit.SECONDS)).hasMessageContaining("protocol error");
        }
    }

    @Test
    void execMapsEveryResultField() throws Exception {
        try (FakeAgentServer guest = new FakeAgentServer(r -> AgentFrame.builder(0, Protocol.OK).u32(Protocol.EXIT, 137)
                        .string(Protocol.STDOUT, "o").string(Protocol.STDERR, "e").u8(Protocol.TIMED_OUT, 1).build());
                GuestAgent agent = new GuestAgent(guest.hostChannel(), () -> "test", CALL, GRACE)) {
            ExecResult r = agent.exec(GuestCommand.of("x", "y"));
            assertThat(r.exitCode()).isEqualTo(137);
            assertThat(r.stdout()).isEqualTo("o");
            assertThat(r.stderr()).isEqualTo("e");
            assertThat(r.timedOut()).isTrue();
            assertThat(r.argv()).containsExactly("x", "y");
            assertThatThrownBy(r::orThrow).isInstanceOf(GuestCommandFailedException.class).hasMessageContaining("`x y` timed out");
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
