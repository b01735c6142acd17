package io.zdtmudp.harness.vm;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The UNIX sockets a starting QEMU connects to (the agent's chardev, QMP): the harness listens first, so a
 * QEMU that dies or hangs before connecting is seen within the boot timeout instead of blocking an accept.
 */
final class QemuSocket {
    private QemuSocket() {}

    /** A fresh, non-blocking listening socket at {@code socket}. */
    static ServerSocketChannel listen(Path socket) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(socket));
        s.configureBlocking(false);
        return s;
    }

    /** The connection QEMU makes to {@code server} within {@code timeout}; fails if QEMU exits first. */
    static SocketChannel accept(ServerSocketChannel server, Process qemu, String what, Duration timeout)
            throws IOException {
        AtomicReference<SocketChannel> got = new AtomicReference<>();
        try {
            await("QEMU connects to the " + what + " socket")
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        SocketChannel c = server.accept();
                        if (c != null) {
                            got.set(c);
                        }
                        return c != null || !qemu.isAlive();
                    });
        } catch (ConditionTimeoutException e) {
            throw new IOException("QEMU did not connect to the " + what + " socket within " + timeout.toMillis() + " ms");
        }
        if (got.get() == null) {
            throw new IOException("QEMU exited before connecting to the " + what + " socket");
        }
        SocketChannel c = got.get();
        c.configureBlocking(true);
        return c;
    }
}
