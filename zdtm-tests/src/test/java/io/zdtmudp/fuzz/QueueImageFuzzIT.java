package io.zdtmudp.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes, on the host, the engine code that reads and checks a udp-queue image on restore (the
 * patch series' criu/udp-queue-img.c plus protobuf-c's unpack), with ASan, UBSan and LeakSanitizer,
 * for a bounded time ({@code -Dzdtm.fuzz.seconds}, default 60), from real dumped images
 * ({@code vm-images/fuzz/seeds}). The target aborts on an accepted image that breaks what the
 * injectors rely on (payloads inside the image, counts and totals, UDP's size limits).
 */
class QueueImageFuzzIT {
    private static final int SECONDS = Integer.getInteger("zdtm.fuzz.seconds", 60);
    /** libFuzzer stops itself at -max_total_time; this only guards against a hang. */
    private static final int GRACE_SECONDS = 120;

    @Test
    void queueImageParserSurvivesFuzzing() throws IOException, InterruptedException {
        Path fuzzDir = FuzzTarget.fuzzDir(Path.of(System.getProperty("user.dir")));
        Path binary = FuzzTarget.build(fuzzDir);
        Path seeds = fuzzDir.resolve("seeds");
        Path work = Files.createDirectories(Path.of("target", "fuzz"));
        Path corpus = Files.createTempDirectory(work, "corpus-");
        Path artifacts = Files.createTempDirectory(work, "artifacts-");
        Path log = work.resolve(corpus.getFileName() + ".log");

        Process p = new ProcessBuilder("nice", "-n", "10", binary.toString(),
                "-max_total_time=" + SECONDS, "-timeout=10", "-rss_limit_mb=2048", "-print_final_stats=1",
                "-artifact_prefix=" + artifacts.toAbsolutePath() + "/", corpus.toString(), seeds.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(SECONDS + GRACE_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the fuzzer ran past " + (SECONDS + GRACE_SECONDS) + " s; log: " + log);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        FuzzReport report = FuzzReport.parse(output);
        long seedCount = countFiles(seeds);
        long newUnits = countFiles(corpus);
        System.out.printf("fuzz: udp-queue image parser: %d executions in %d s, corpus %d units (%d seeds + %d new), "
                + "exit %d, log %s%n", report.executions(), report.seconds(), seedCount + newUnits, seedCount, newUnits,
                p.exitValue(), log.toAbsolutePath());

        assertThat(report.findings()).as("sanitizer or crash reports (log: %s)", log).isEmpty();
        assertThat(listFiles(artifacts)).as("crash/leak/timeout inputs written by libFuzzer").isEmpty();
        assertThat(p.exitValue()).as("libFuzzer's exit code (log: %s)", log).isZero();
        assertThat(report.completedExecutions()).as("libFuzzer's closing 'Done N runs' line").isPresent();
        assertThat(report.executions()).as("inputs executed").isGreaterThan(1000);
        assertThat(seedCount).as("seed images").isPositive();
    }

    private static long countFiles(Path dir) throws IOException {
        return listFiles(dir).size();
    }

    private static List<Path> listFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
