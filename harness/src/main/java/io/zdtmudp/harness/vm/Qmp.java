package io.zdtmudp.harness.vm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few QMP commands the harness needs (negotiation, stop/cont, migration, quit). QMP speaks one
 * JSON object per line; replies are picked out by "return" or "error" and asynchronous events in
 * between are skipped, so no JSON library is pulled in.
 */
final class Qmp implements AutoCloseable {
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([a-z-]+)\"");
    // Possessive: a text reply (info qtree) is many KB, and a backtracking group would overflow the stack.
    private static final Pattern RETURN_STRING = Pattern.compile("\"return\"\\s*:\\s*\"((?:[^\"\\\\]++|\\\\.)*+)\"");
    private static final Pattern ERROR_DESC = Pattern.compile("\"error-desc\"\\s*:\\s*\"((?:[^\"\\\\]++|\\\\.)*+)\"");

    private final SocketChannel channel;
    /** Bytes read but not yet consumed as whole lines. */
    private final StringBuilder unread = new StringBuilder();

    Qmp(SocketChannel channel) {
        this.channel = channel;
    }

    /** Reads the greeting and leaves capabilities negotiation mode. */
    void negotiate(Duration timeout) throws IOException {
        readLine("\"QMP\"", timeout);
        execute("qmp_capabilities", timeout);
    }

    /** Sends a command without arguments and returns its "return" line (throws on "error"). */
    String execute(String command, Duration timeout) throws IOException {
        return execute(command, null, timeout);
    }

    /** {@code argumentsJson} is a JSON object, or null. */
    String execute(String command, String argumentsJson, Duration timeout) throws IOException {
        send("{\"execute\":\"" + command + "\"" + (argumentsJson == null ? "" : ",\"arguments\":" + argumentsJson) + "}\n");
        String reply = readLine("\"return\"|\"error\"", timeout);
        if (reply.contains("\"error\"")) {
            throw new IOException("QMP " + command + " failed: " + reply.strip());
        }
        return reply;
    }

    /**
     * The migration status from query-migrate ("active", "completed", "failed", ...; "none" before
     * any), with QEMU's error description appended when it failed.
     */
    String migrationStatus(Duration timeout) throws IOException {
        String reply = execute("query-migrate", timeout);
        Matcher m = STATUS.matcher(reply);
        String status = m.find() ? m.group(1) : "none";
        Matcher err = ERROR_DESC.matcher(reply);
        return err.find() ? status + ": " + err.group(1) : status;
    }

    /** Runs a human monitor command (e.g. "info qtree") and returns its text output. */
    String humanMonitor(String commandLine, Duration timeout) throws IOException {
        String reply = execute("human-monitor-command", "{\"command-line\":" + quote(commandLine) + "}", timeout);
        Matcher m = RETURN_STRING.matcher(reply);
        if (!m.find()) {
            throw new IOException("QMP human-monitor-command: no text in " + reply.strip());
        }
        return unquote(m.group(1));
    }

    /** The inside of a JSON string literal, unescaped. */
    static String unquote(String body) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\' || i + 1 >= body.length()) {
                b.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    b.append((char) Integer.parseInt(body.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> b.append(e);
            }
        }
        return b.toString();
    }

    /** Sends quit without waiting: QEMU may close the socket before it answers. */
    void quit() throws IOException {
        send("{\"execute\":\"quit\"}\n");
    }

    /** JSON string literal of {@code s}. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private void send(String json) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** The first whole line matching {@code regex}; lines before it (events) are dropped. */
    private String readLine(String regex, Duration timeout) throws IOException {
        Pattern p = Pattern.compile(regex);
        // Blocking reads with a deadline: a helper future bounds the whole exchange.
        CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
            ByteBuffer buf = ByteBuffer.allocate(4096);
            try {
                while (true) {
                    int nl;
                    while ((nl = unread.indexOf("\n")) >= 0) {
                        String line = unread.substring(0, nl + 1);
                        unread.delete(0, nl + 1);
                        if (p.matcher(line).find()) {
                            return line;
                        }
                    }
                    buf.clear();
                    if (channel.read(buf) < 0) {
                        throw new IOException("QMP socket closed; unread: " + unread);
                    }
                    unread.append(StandardCharsets.UTF_8.decode(buf.flip()));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            throw new IOException("QMP did not answer within " + timeout.toMillis() + " ms; unread: " + unread);
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
