package io.zdtmudp.harness.vm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The few QMP commands the harness needs (capabilities negotiation, quit). QMP speaks JSON; the
 * replies are only checked for "return" or "error", so no JSON library is pulled in.
 */
final class Qmp implements AutoCloseable {
    private final SocketChannel channel;
    private final StringBuilder received = new StringBuilder();

    Qmp(SocketChannel channel) {
        this.channel = channel;
    }

    /** Reads the greeting and leaves capabilities negotiation mode. */
    void negotiate(Duration timeout) throws IOException {
        readUntil("\"QMP\"", timeout);
        execute("qmp_capabilities", timeout);
    }

    /** Sends a command and waits for its "return" (or throws on "error"). */
    String execute(String command, Duration timeout) throws IOException {
        received.setLength(0);
        ByteBuffer b = ByteBuffer.wrap(("{\"execute\":\"" + command + "\"}\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            channel.write(b);
        }
        String reply = readUntil("\"return\"|\"error\"", timeout);
        if (reply.contains("\"error\"")) {
            throw new IOException("QMP " + command + " failed: " + reply.strip());
        }
        return reply;
    }

    /** Sends quit without waiting: QEMU may close the socket before it answers. */
    void quit() throws IOException {
        ByteBuffer b = ByteBuffer.wrap("{\"execute\":\"quit\"}\n".getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    private String readUntil(String regexAlternatives, Duration timeout) throws IOException {
        // Blocking reads with a deadline: a helper future bounds the whole exchange.
        CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
            ByteBuffer buf = ByteBuffer.allocate(4096);
            java.util.regex.Pattern p = java.util.regex.Pattern.compile(regexAlternatives);
            try {
                while (!p.matcher(received).find()) {
                    buf.clear();
                    if (channel.read(buf) < 0) {
                        throw new IOException("QMP socket closed; got: " + received);
                    }
                    received.append(StandardCharsets.UTF_8.decode(buf.flip()));
                }
                return received.toString();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            throw new IOException("QMP did not answer within " + timeout.toMillis() + " ms; got: " + received);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for QMP", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
