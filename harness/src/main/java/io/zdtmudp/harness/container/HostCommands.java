package io.zdtmudp.harness.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The host probes the recipe needs (ldd, qemu -L help, PATH lookup); tests give canned answers. */
public interface HostCommands {
    /** Runs argv to completion and returns its stdout; a non-zero exit is an error. */
    String run(List<String> argv);

    /** A program name resolved on PATH (or a path, checked). */
    default Path which(String program) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(program + " is not an executable file");
            }
            return p.toAbsolutePath();
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException(program + " not found on PATH (" + path + "): install qemu-system-x86");
    }

    HostCommands LOCAL = argv -> {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(argv + " did not finish within 60 s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(argv + " exited with " + p.exitValue() + ": " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("running " + argv, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + argv, e);
        }
    };
}
