package io.zdtmudp.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The libFuzzer binary over the engine's queue image parser, as {@code vm-images/fuzz/build} builds
 * (or finds in the cache) it. The script prints the binary's path on its last line of output.
 */
final class FuzzTarget {
    /** A cold build compiles the CRIU series first when the cache lacks it. */
    private static final long BUILD_TIMEOUT_MINUTES = 20;

    private FuzzTarget() {
    }

    /** The repository directory holding {@code vm-images/fuzz}, searched upwards from {@code start}. */
    static Path fuzzDir(Path start) {
        for (Path d = start.toAbsolutePath(); d != null; d = d.getParent()) {
            Path dir = d.resolve("vm-images").resolve("fuzz");
            if (Files.isRegularFile(dir.resolve("build"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no vm-images/fuzz/build above " + start);
    }

    static Path build(Path fuzzDir) throws IOException, InterruptedException {
        Path script = fuzzDir.resolve("build");
        Process p = new ProcessBuilder("bash", script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(script + " did not finish within " + BUILD_TIMEOUT_MINUTES + " min");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(script + " failed (exit " + p.exitValue() + "); see its output above");
        }
        String lines = new String(out, StandardCharsets.UTF_8).strip();
        Path binary = Path.of(lines.substring(lines.lastIndexOf('\n') + 1));
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(script + " printed " + binary + ", which is not an executable");
        }
        return binary;
    }
}
