package io.zdtmudp.harness.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Qmp against a scripted peer: events between a command and its reply are skipped. */
class QmpTest {
    private static final Duration T = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private SocketChannel qemuSide;
    private Qmp qmp;
    private BufferedReader commands;

    @BeforeEach
    void connect() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(dir.resolve("qmp.sock")));
            SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("qmp.sock")));
            qemuSide = server.accept();
            qmp = new Qmp(client);
        }
        commands = new BufferedReader(new InputStreamReader(Channels.newInputStream(qemuSide), StandardCharsets.UTF_8));
    }

    @AfterEach
    void close() throws Exception {
        qmp.close();
        qemuSide.close();
    }

    private void qemuSays(String... lines) throws Exception {
        ByteBuffer b = ByteBuffer.wrap((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            qemuSide.write(b);
        }
    }

    @Test
    void eventsBeforeTheReplyAreSkippedAndArgumentsAreSent() throws Exception {
        qemuSays("{\"timestamp\": {\"seconds\": 1}, \"event\": \"STOP\"}", "{\"return\": {}}");
        assertThat(qmp.execute("migrate", "{\"uri\":" + Qmp.quote("exec:cat > '/tmp/a b'") + "}", T)).contains("\"return\"");
        assertThat(commands.readLine()).isEqualTo("{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"exec:cat > '/tmp/a b'\"}}");
    }

    @Test
    void migrationStatusIsReadFromTheReplyNotFromAnEvent() throws Exception {
        qemuSays("{\"event\": \"MIGRATION\", \"data\": {\"status\": \"setup\"}}",
                "{\"return\": {\"status\": \"completed\", \"total-time\": 424}}");
        assertThat(qmp.migrationStatus(T)).isEqualTo("completed");
        qemuSays("{\"return\": {\"status\": \"failed\", \"error-desc\": \"Unable to write to command: Broken pipe\"}}");
        assertThat(qmp.migrationStatus(T)).isEqualTo("failed: Unable to write to command: Broken pipe");
        qemuSays("{\"return\": {}}");
        assertThat(qmp.migrationStatus(T)).as("before any migration").isEqualTo("none");
    }

    @Test
    void aReplySplitAcrossReadsIsJoined() throws Exception {
        List<String> parts = new ArrayList<>(List.of("{\"ret", "urn\": {\"status\": \"act", "ive\"}}"));
        Thread writer = new Thread(() -> {
            try {
                for (String p : parts) {
                    qemuSide.write(ByteBuffer.wrap(p.getBytes(StandardCharsets.UTF_8)));
                    Thread.sleep(20);
                }
                qemuSide.write(ByteBuffer.wrap("\n".getBytes(StandardCharsets.UTF_8)));
            } catch (Exception ignored) {
                // the assertion below reports a missing reply
            }
        });
        writer.start();
        assertThat(qmp.migrationStatus(T)).isEqualTo("active");
        writer.join();
    }

    @Test
    void anErrorReplyThrowsWithQemusWords() throws Exception {
        qemuSays("{\"error\": {\"class\": \"GenericError\", \"desc\": \"Migration is disabled when VirtFS export path is mounted\"}}");
        assertThatThrownBy(() -> qmp.execute("migrate", T)).hasMessageContaining("QMP migrate failed")
                .hasMessageContaining("VirtFS export path is mounted");
    }

    @Test
    void quoteEscapesJson() {
        assertThat(Qmp.quote("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\u000a\"");
    }

    @Test
    void humanMonitorTextIsUnescaped() throws Exception {
        qemuSays("{\"return\": \"bus: main-system-bus\\r\\n  type \\\"System\\\"\\u0021\\r\\n\"}");
        assertThat(qmp.humanMonitor("info qtree", T)).isEqualTo("bus: main-system-bus\r\n  type \"System\"!\r\n");
        assertThat(commands.readLine()).isEqualTo("{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"info qtree\"}}");
    }

    @Test
    void aLongTextReplyIsRead() throws Exception {
        String longText = "dev: virtio-9p-pci, id \\\"zdtm\\\"\\r\\n".repeat(5000);
        qemuSays("{\"return\": \"" + longText + "\"}");
        assertThat(qmp.humanMonitor("info qtree", T)).hasSize("dev: virtio-9p-pci, id \"zdtm\"\r\n".length() * 5000);
    }
}
