package io.zdtmudp.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zdtmudp.harness.criu.CriuResult;
import io.zdtmudp.harness.cycle.CrCycle;
import io.zdtmudp.harness.cycle.CrMode;
import io.zdtmudp.harness.cycle.Readiness;
import io.zdtmudp.harness.cycle.Workload;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.images.CriuImages;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.udp.QueueInjection;
import io.zdtmudp.harness.udp.UdpOutcome;
import io.zdtmudp.harness.udp.UdpRun;
import io.zdtmudp.harness.udp.UdpScenario;
import io.zdtmudp.harness.udp.UdpSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real server held stopped (SIGSTOP) while a client in another namespace queues its requests in the
 * server's socket, as a server busy elsewhere or descheduled would have them queued; then let go, with or
 * without a checkpoint and restore of the server in between. What the client gets back is the evidence: a
 * run without the checkpoint is the reference a run with it must match.
 */
final class HeldServer {
    /**
     * The client's part: a udpq scenario (in a peer namespace) that sends the requests before the restore
     * and awaits the replies on {@code replies} after it.
     */
    record Request(UdpScenario client, UdpSocket replies) {}

    /**
     * What one run observed: the client's replies (those it awaited, before its drain), all it reported, and
     * with a checkpoint the server's images, CRIU's restore, and whether the restored server still had
     * requests queued when it was let go.
     */
    record Outcome(List<Datagram> replies, UdpOutcome client, Optional<CriuImages> images,
            Optional<CriuResult> restore, boolean queuedAtResume) {}

    private final Guest guest;
    private final String name;
    private final int port;
    private final String[] argv;

    /** The server {@code argv}, ready once it has a UDP socket on {@code port}. */
    HeldServer(Guest guest, String name, int port, String... argv) {
        this.guest = guest;
        this.name = name;
        this.port = port;
        this.argv = argv.clone();
    }

    /** The reference: the requests queued while the server is stopped, then the server let go. */
    Outcome withoutCheckpoint(Request request) {
        return run(request, null, CrMode.PLAIN);
    }

    /**
     * The same with a checkpoint and restore of the stopped server, the engine's queue path forced to
     * {@code path} (RAW: the stock-kernel path, on dump and restore), in the run's {@code -Dzdtm.mode}.
     */
    Outcome withCheckpoint(Request request, QueueInjection path) {
        return withCheckpoint(request, path, CrMode.fromSystemProperties());
    }

    /** The same in {@code mode}. */
    Outcome withCheckpoint(Request request, QueueInjection path, CrMode mode) {
        return run(request, path, mode);
    }

    /**
     * Starts the server and stops it, runs the request's client, waits until the requests are queued,
     * checkpoints and restores the server unless {@code path} is null, continues it, and returns what the
     * client received.
     */
    private Outcome run(Request request, QueueInjection path, CrMode mode) {
        boolean checkpoint = path != null;
        String dir = guest.workDir() + "/" + name + (checkpoint ? "-cr-" + path.name().toLowerCase() : "-plain");
        guest.run("mkdir", "-p", dir);
        Workload server = Workload.spawn(guest, Readiness.udpPortBound(port), dir + "/server.log", argv);
        int pid = server.pid();
        CrCycle cycle = CrCycle.of(guest, pid, dir).mode(mode);
        if (checkpoint) {
            cycle.dumpFault(path.fault()).restoreFault(path.fault());
        }
        try {
            server.pause();
            try (UdpRun requests = UdpRun.start(guest, request.client())) {
                Readiness queued = Readiness.udpDatagramsQueued(port);
                await(name + " holding the requests").atMost(guest.timeouts().call())
                        .pollInterval(Duration.ofMillis(50)).until(() -> queued.test(guest, pid));
                Optional<CriuImages> images = Optional.empty();
                Optional<CriuResult> restore = Optional.empty();
                if (checkpoint) {
                    images = Optional.of(cycle.checkpoint());
                    restore = Optional.of(cycle.restore());
                    assertThat(server.paused()).as(name + " restored stopped, as it was dumped").isTrue();
                }
                boolean queuedAtResume = queued.test(guest, pid);
                server.resume();
                UdpOutcome out = requests.finish();
                return new Outcome(out.received(request.replies()), out, images, restore, queuedAtResume);
            }
        } finally {
            guest.attach(dir.substring(dir.lastIndexOf('/') + 1) + ".log", server.output());
            cycle.kill();
        }
    }
}
