package io.zdtmudp.harness.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Pipe;
import java.util.function.Function;

/**
 * An in-JVM stand-in for zdtm-agent: decodes requests and answers with {@code handler}'s frame (null:
 * no answer). The host side is {@link #hostChannel()}.
 */
public final class FakeAgentServer implements AutoCloseable {
    private final Pipe toGuest;
    private final Pipe toHost;
    private final Function<AgentFrame, AgentFrame> handler;
    private final Thread thread;
    private final Object writeLock = new Object();

    public FakeAgentServer(Function<AgentFrame, AgentFrame> handler) throws IOException {
        this.toGuest = Pipe.open();
        this.toHost = Pipe.open();
        this.handler = handler;
        this.thread = new Thread(this::serve, "fake-agent");
        thread.setDaemon(true);
        thread.start();
    }

    public ByteChannel hostChannel() {
        return new ByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return toHost.source().read(dst);
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                return toGuest.sink().write(src);
            }

            @Override
            public boolean isOpen() {
                return toHost.source().isOpen();
            }

            @Override
            public void close() throws IOException {
                toHost.source().close();
                toGuest.sink().close();
            }
        };
    }

    /** Sends raw bytes to the host, e.g. HELLO or garbage. */
    public void sendRaw(ByteBuffer bytes) throws IOException {
        synchronized (writeLock) {
            while (bytes.hasRemaining()) {
                toHost.sink().write(bytes);
            }
        }
    }

    public void send(AgentFrame frame) throws IOException {
        sendRaw(AgentCodec.encode(frame));
    }

    public void hello() throws IOException {
        send(AgentFrame.builder(0, Protocol.HELLO).u32(Protocol.TAG_VERSION, Protocol.VERSION).build());
    }

    /** Closes the guest end, as if the agent died. */
    public void die() throws IOException {
        toHost.sink().close();
        toGuest.source().close();
    }

    private void serve() {
        AgentCodec codec = new AgentCodec();
        ByteBuffer buf = ByteBuffer.allocate(65536);
        try {
            while (true) {
                buf.clear();
                if (toGuest.source().read(buf) < 0) {
                    return;
                }
                codec.feed(buf.flip());
                for (var f = codec.next(); f.isPresent(); f = codec.next()) {
                    AgentFrame request = f.get();
                    // Answer on another thread so slow handlers do not block other requests.
                    Thread t = new Thread(() -> {
                        AgentFrame answer = handler.apply(request);
                        if (answer != null) {
                            try {
                                send(new AgentFrame(request.id(), answer.kind(), answer.fields()));
                            } catch (IOException ignored) {
                                // the host went away
                            }
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                }
            }
        } catch (IOException e) {
            // channel closed
        }
    }

    @Override
    public void close() throws IOException {
        die();
    }
}
