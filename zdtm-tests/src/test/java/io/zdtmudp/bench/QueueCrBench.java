package io.zdtmudp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.criu.CriuResult;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.udp.QueueInjection;
import io.zdtmudp.harness.udp.UdpRun;
import io.zdtmudp.harness.udp.UdpScenario;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Queue C/R cost against queue size, for both restore paths, next to what the same process costs
 * with an empty queue and what one plain send and receive pass of the same bytes costs. Each
 * invocation is one cycle in a fresh netns; repetitions are the outer loop, so a burst of noise on
 * the shared machine spreads over every load instead of spoiling one. After the last cycle the
 * report goes to stdout, target/bench/*.csv and docs/BENCHMARKS.md.
 */
@ZdtmVm
@Order(2)
@Execution(ExecutionMode.SAME_THREAD) // and one at a time among themselves
@Isolated("a benchmark: other tests in the guest would be in its numbers")
class QueueCrBench {
    static final int REPS = Math.max(3, Integer.getInteger("zdtm.bench.reps", 3));
    static final List<QueueInjection> PATHS = List.of(QueueInjection.RAW, QueueInjection.KERNEL);
    static final List<QueueLoad> ALL_LOADS = List.of(QueueLoad.EMPTY,
            new QueueLoad(1, 64), new QueueLoad(100, 64), new QueueLoad(10_000, 64),
            new QueueLoad(1, 1024), new QueueLoad(100, 1024), new QueueLoad(10_000, 1024),
            // 64 KiB is past the IPv4 limit; the largest IPv4 UDP payload stands in for it.
            new QueueLoad(100, 65_507));
    /** {@code -Dzdtm.bench.loads=10000x64,100x65507} measures only those (the empty row always). */
    static final List<QueueLoad> LOADS = QueueLoad.select(ALL_LOADS, System.getProperty("zdtm.bench.loads"));
    private static final int RX_PORT = 7000;
    private static final int TX_PORT = 7001;

    /** Repetition 0 warms the JIT, the guest's page cache and CRIU's first start; it is not recorded. */
    static Stream<Arguments> cycles() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (QueueInjection path : PATHS) {
            b.add(Arguments.of(0, QueueLoad.EMPTY, path));
        }
        for (int rep = 1; rep <= REPS; rep++) {
            for (QueueLoad load : LOADS) {
                for (QueueInjection path : PATHS) {
                    b.add(Arguments.of(rep, load, path));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "rep {0}: {1} via {2}")
    @MethodSource("cycles")
    void checkpointRestore(int rep, QueueLoad load, QueueInjection path, Guest guest) {
        UdpScenario s = new UdpScenario();
        var rx = s.socket("rx", IpFamily.INET).bind(IpFamily.INET.loopback().withPort(RX_PORT));
        var tx = s.socket("tx", IpFamily.INET).bind(IpFamily.INET.loopback().withPort(TX_PORT));
        rx.receiveBufferForce(QueueLoad.RCVBUF);
        if (load.count() > 0) {
            s.sendMany(tx, rx, load.count(), load.length(), rep);
        }
        long t0 = System.nanoTime();
        CriuResult dump;
        CriuResult restore;
        long imageBytes;
        try (UdpRun run = UdpRun.start(guest, s).injectWith(path)) {
            run.checkpoint();
            dump = run.lastDump();
            imageBytes = queueImageBytes(run.images().directory());
            restore = run.restore();
        }
        double wall = (System.nanoTime() - t0) / 1e6;

        var dumped = CriuLogTimes.largestDump(dump.log());
        var restored = CriuLogTimes.largestRestore(restore.log());
        if (load.count() > 0) {
            assertThat(dumped).as("engine's dump line").isPresent();
            assertThat(dumped.get().datagrams()).as("datagrams dumped").isEqualTo(load.count());
            assertThat(dumped.get().bytes()).as("bytes dumped").isEqualTo(load.payloadBytes());
            assertThat(restored).as("engine's restore line").isPresent();
            assertThat(restored.get().datagrams()).as("datagrams restored").isEqualTo(load.count());
            assertThat(restored.get().path()).as("restore path").isEqualTo(path.pathName());
            assertThat(imageBytes).as("queue image holds the payload").isGreaterThanOrEqualTo(load.payloadBytes());
        }
        if (rep == 0) {
            return;
        }
        BenchResults.cr(new CrSample(load, path, rep, CriuLogTimes.totalMillis(dump.log()), millis(dump),
                CriuLogTimes.totalMillis(restore.log()), millis(restore),
                dumped.map(CriuLogTimes.Dumped::millis).orElse(0.0),
                restored.map(CriuLogTimes.Restored::millis).orElse(0.0), imageBytes, wall));

        // The plain pass does not depend on the restore path: once per load and repetition is enough.
        if (path == PATHS.get(0)) {
            for (PlainPass.Kind kind : PlainPass.Kind.values()) {
                String tag = "r" + rep + "-" + load.count() + "x" + load.length() + "-" + kind.name().toLowerCase(java.util.Locale.ROOT);
                BenchResults.plainMillis(load, kind, PlainPass.run(guest, load, kind, tag));
            }
        }
    }

    private static double millis(CriuResult r) {
        return r.duration().toNanos() / 1e6;
    }

    /** The engine writes one udp-queue-ID.img per socket with a queue. */
    static long queueImageBytes(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> {
                String n = f.getFileName().toString();
                return n.startsWith("udp-queue-") && n.endsWith(".img");
            }).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("listing the images in " + dir, e);
        }
    }

    @AfterAll
    static void report() {
        BenchReport.write(LOADS, PATHS);
    }
}
