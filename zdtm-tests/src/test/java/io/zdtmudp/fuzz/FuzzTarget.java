package io.zdtmudp.fuzz;

import io.zdtmudp.build.RepoScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The libFuzzer binary over the engine's queue image parser, as {@code vm-images/fuzz/build} builds
 * (or finds in the cache) it. The script prints the binary's path on its last line of output.
 */
final class FuzzTarget {
    /** A cold build compiles the CRIU series first when the cache lacks it. */
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);

    private FuzzTarget() {
    }

    /** The repository directory holding {@code vm-images/fuzz}, searched upwards from {@code start}. */
    static Path fuzzDir(Path start) {
        return RepoScript.find(start, "vm-images/fuzz/build").path().getParent();
    }

    static Path build(Path fuzzDir) throws IOException, InterruptedException {
        RepoScript script = RepoScript.find(fuzzDir, "build");
        Path binary = script.runForPath(BUILD_TIMEOUT);
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(script.path() + " printed " + binary + ", which is not an executable");
        }
        return binary;
    }
}
