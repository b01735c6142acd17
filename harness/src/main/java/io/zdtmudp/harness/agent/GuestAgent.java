package io.zdtmudp.harness.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Host end of the guest agent protocol (PROTOCOL.md). A reader thread matches responses to requests by
 * id, so calls from several threads run concurrently. Every call has a timeout. Once the channel closes,
 * every pending and future call fails at once with the reason given by {@code goneReason}.
 */
public final class GuestAgent implements AutoCloseable {
    private final ByteChannel channel;
    private final Supplier<String> goneReason;
    private final Duration callTimeout;
    private final Duration grace;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Integer, CompletableFuture<AgentFrame>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<AgentFrame> hello = new CompletableFuture<>();
    private final AtomicReference<GuestAgentGoneException> gone = new AtomicReference<>();
    private final Object writeLock = new Object();
    private final Thread reader;

    /**
     * @param goneReason describes why the channel closed (e.g. QEMU's exit status and console tail); it may
     *     block briefly to let the cause become visible
     * @param callTimeout default timeout of calls that carry none of their own
     * @param grace added to a command's own timeout, for the guest to kill it and answer
     */
    public GuestAgent(ByteChannel channel, Supplier<String> goneReason, Duration callTimeout, Duration grace) {
        this.channel = Objects.requireNonNull(channel);
        this.goneReason = Objects.requireNonNull(goneReason);
        this.callTimeout = callTimeout;
        this.grace = grace;
        this.reader = new Thread(this::readLoop, "zdtm-agent-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits for the agent's HELLO; returns its protocol version. */
    public int awaitHello(Duration timeout) {
        AgentFrame frame = await(hello, timeout, "HELLO");
        return frame.u32(Protocol.TAG_VERSION).orElse(0);
    }

    public boolean isGone() {
        return gone.get() != null;
    }

    /** Returns the agent's protocol version. */
    public int ping() {
        return call(AgentFrame.builder(0, Protocol.OP_PING), callTimeout, "PING").u32(Protocol.TAG_VERSION).orElse(0);
    }

    public ExecResult exec(GuestCommand command) {
        AgentFrame.Builder frame = AgentFrame.builder(0, Protocol.OP_EXEC);
        command.writeFields(frame, false);
        Duration wait = command.timeout().map(t -> t.plus(grace)).orElse(callTimeout);
        long start = System.nanoTime();
        AgentFrame r = call(frame, wait, "EXEC " + command);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        return new ExecResult(command.argv(), r.u32(Protocol.EXIT).orElse(-1), text(r, Protocol.STDOUT),
                text(r, Protocol.STDERR), r.flag(Protocol.TIMED_OUT), took);
    }

    public GuestProcess spawn(GuestCommand command) {
        AgentFrame.Builder frame = AgentFrame.builder(0, Protocol.OP_SPAWN);
        command.writeFields(frame, true);
        AgentFrame r = call(frame, callTimeout, "SPAWN " + command);
        int pid = r.u32(Protocol.PID).orElseThrow(() -> new AgentProtocolException("SPAWN answer without PID"));
        return new GuestProcess(this, pid);
    }

    /** Exit code of {@code pid}, or empty when it still runs after {@code timeout}. */
    public OptionalInt waitPid(int pid, Duration timeout) {
        AgentFrame frame = AgentFrame.builder(0, Protocol.OP_WAIT)
                .u32(Protocol.PID, pid)
                .u32(Protocol.TIMEOUT_MS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .build();
        AgentFrame r = call(frame, timeout.plus(grace), "WAIT " + pid);
        if (r.flag(Protocol.TIMED_OUT)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(r.u32(Protocol.EXIT).orElseThrow(() -> new AgentProtocolException("WAIT answer without EXIT")));
    }

    public void kill(int pid, int signal, boolean group) {
        AgentFrame.Builder frame = AgentFrame.builder(0, Protocol.OP_KILL).u32(Protocol.PID, pid).u32(Protocol.SIGNAL, signal);
        if (group) {
            frame.u8(Protocol.GROUP, 1);
        }
        call(frame, callTimeout, "KILL " + pid);
    }

    public byte[] readFile(String path) {
        AgentFrame r = call(AgentFrame.builder(0, Protocol.OP_READ_FILE).string(Protocol.PATH, path), callTimeout,
                "READ_FILE " + path);
        return r.first(Protocol.DATA).orElse(new byte[0]);
    }

    public String readText(String path) {
        return new String(readFile(path), StandardCharsets.UTF_8);
    }

    public void writeFile(String path, byte[] data, int mode) {
        call(AgentFrame.builder(0, Protocol.OP_WRITE_FILE).string(Protocol.PATH, path).bytes(Protocol.DATA, data)
                .u32(Protocol.MODE, mode), callTimeout, "WRITE_FILE " + path);
    }

    /** Fails every pending and future call with {@code reason}. Idempotent: the first reason wins. */
    public void fail(String reason, Throwable cause) {
        gone.compareAndSet(null, new GuestAgentGoneException("guest agent gone: " + reason, cause));
        GuestAgentGoneException e = gone.get();
        hello.completeExceptionally(e);
        for (Integer id : List.copyOf(pending.keySet())) {
            CompletableFuture<AgentFrame> f = pending.remove(id);
            if (f != null) {
                f.completeExceptionally(e);
            }
        }
    }

    @Override
    public void close() {
        fail("closed by the host", null);
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is best effort: the reader ends either way
        }
    }

    private AgentFrame call(AgentFrame.Builder frame, Duration timeout, String what) {
        return call(frame.build(), timeout, what);
    }

    private AgentFrame call(AgentFrame template, Duration timeout, String what) {
        GuestAgentGoneException dead = gone.get();
        if (dead != null) {
            throw new GuestAgentGoneException(dead.getMessage(), dead);
        }
        int id = nextId.getAndUpdate(i -> i == Integer.MAX_VALUE ? 1 : i + 1);
        AgentFrame request = new AgentFrame(id, template.kind(), template.fields());
        CompletableFuture<AgentFrame> answer = new CompletableFuture<>();
        pending.put(id, answer);
        if (gone.get() != null) { // failed between the check and the put: fail() may have missed us
            pending.remove(id);
            throw new GuestAgentGoneException(gone.get().getMessage(), gone.get());
        }
        try {
            send(request);
        } catch (IOException e) {
            pending.remove(id);
            fail("writing to the channel failed: " + e.getMessage() + "; " + goneReason.get(), e);
            throw new GuestAgentGoneException(gone.get().getMessage(), e);
        }
        long t0 = System.nanoTime();
        try {
            AgentFrame r = await(answer, timeout, what);
            if (r.kind() == Protocol.ERROR) {
                throw new GuestAgentException(what + ": " + r.string(Protocol.MESSAGE).orElse("(no message)"),
                        r.u32(Protocol.ERRNO).orElse(0));
            }
            if (r.kind() != Protocol.OK) {
                throw new AgentProtocolException(what + ": unexpected response kind " + r.kind());
            }
            return r;
        } finally {
            pending.remove(id);
            CallLedger.record(System.nanoTime() - t0);
        }
    }

    private AgentFrame await(CompletableFuture<AgentFrame> f, Duration timeout, String what) {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new GuestAgentTimeoutException("guest agent did not answer " + what + " within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestAgentTimeoutException("interrupted while waiting for " + what);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GuestAgentGoneException g) {
                throw new GuestAgentGoneException(g.getMessage() + " (during " + what + ")", g);
            }
            throw new IllegalStateException(what + " failed", e.getCause());
        }
    }

    private void send(AgentFrame frame) throws IOException {
        ByteBuffer bytes = AgentCodec.encode(frame);
        synchronized (writeLock) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }

    private void readLoop() {
        AgentCodec codec = new AgentCodec();
        ByteBuffer chunk = ByteBuffer.allocate(256 * 1024);
        try {
            while (true) {
                chunk.clear();
                int n = channel.read(chunk);
                if (n < 0) {
                    fail("the channel closed; " + goneReason.get(), null);
                    return;
                }
                codec.feed(chunk.flip());
                for (var frame = codec.next(); frame.isPresent(); frame = codec.next()) {
                    dispatch(frame.get());
                }
            }
        } catch (IOException e) {
            if (gone.get() == null) {
                fail("reading the channel failed (" + e.getMessage() + "); " + goneReason.get(), e);
            }
        } catch (AgentProtocolException e) {
            // Without a valid length there is no next frame boundary: the channel is unusable.
            fail("protocol error: " + e.getMessage(), e);
        }
    }

    private void dispatch(AgentFrame frame) {
        if (frame.id() == 0) {
            if (frame.kind() == Protocol.HELLO) {
                hello.complete(frame);
            } else {
                System.err.println("zdtm: unsolicited agent frame kind " + frame.kind() + ": "
                        + frame.string(Protocol.MESSAGE).orElse(""));
            }
            return;
        }
        CompletableFuture<AgentFrame> f = pending.get(frame.id());
        if (f != null) {
            f.complete(frame);
        }
    }

    private static String text(AgentFrame r, int tag) {
        return r.first(tag).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
    }
}
