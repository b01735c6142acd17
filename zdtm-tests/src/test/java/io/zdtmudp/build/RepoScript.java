package io.zdtmudp.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A build script of this repository (e.g. {@code vm-images/fuzz/build}) that builds something, or finds it
 * in the cache, and prints its path on the last line of its output. Tests call it rather than expecting the
 * artifact to exist, so a fresh clone needs nothing more than {@code ci/setup}.
 */
public final class RepoScript {
    private final Path script;

    private RepoScript(Path script) {
        this.script = script;
    }

    /** The script at {@code relative} in the repository that holds {@code start} or one of its parents. */
    public static RepoScript find(Path start, String relative) {
        for (Path d = start.toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve(relative);
            if (Files.isRegularFile(s)) {
                return new RepoScript(s);
            }
        }
        throw new IllegalStateException("no " + relative + " in " + start.toAbsolutePath() + " or above");
    }

    public Path path() {
        return script;
    }

    /**
     * Runs the script with {@code args} and returns the path its last output line names. Its stderr (the
     * build log) goes to ours, so a failure shows why; a run past {@code timeout} is killed.
     */
    public Path runForPath(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("bash", script.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(script + " did not finish within " + timeout.toMinutes() + " min");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(script + " failed (exit " + p.exitValue() + "); see its output above");
        }
        String lines = new String(out, StandardCharsets.UTF_8).strip();
        if (lines.isEmpty()) {
            throw new IllegalStateException(script + " printed no path");
        }
        return Path.of(lines.substring(lines.lastIndexOf('\n') + 1));
    }
}
