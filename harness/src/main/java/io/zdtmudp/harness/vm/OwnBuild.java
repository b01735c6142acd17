package io.zdtmudp.harness.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A developer's own kernel or CRIU (-Dzdtm.kernel=/path, -Dzdtm.criu=/path, as virtme-ng takes a kernel):
 * vm-images/build makes its guest (building the tree when it is not built, refusing a kernel config that
 * lacks an option the guest needs, by name) into vm-images/out/byo/, once per JVM and pair of paths.
 */
final class OwnBuild {
    /** A cold kernel compile on a busy 2-core machine takes long; the build's own checks fail in seconds. */
    private static final long TIMEOUT_MINUTES = 120;
    private static final Map<List<String>, Path> BUILT = new HashMap<>();
    /** A failed build is not retried by every later test of the run: they fail with its message. */
    private static final Map<List<String>, IllegalStateException> FAILED = new HashMap<>();

    private OwnBuild() {}

    static boolean isPath(String value) {
        return value != null && value.startsWith("/");
    }

    /** The guest dir of the given kernel and CRIU paths (either may be null: the matrix's own then). */
    static synchronized Path ensure(Path out, String kernel, String criu) {
        List<String> key = List.of(isPath(kernel) ? kernel : "", isPath(criu) ? criu : "");
        Path dir = BUILT.get(key);
        if (dir != null) {
            return dir;
        }
        if (FAILED.containsKey(key)) {
            throw new IllegalStateException(FAILED.get(key).getMessage());
        }
        try {
            dir = build(out, key, kernel, criu);
        } catch (IllegalStateException e) {
            FAILED.put(key, e);
            throw e;
        }
        BUILT.put(key, dir);
        return dir;
    }

    private static Path build(Path out, List<String> key, String kernel, String criu) {
        Path script = out.getParent().resolve("build");
        Path log = out.resolve("byo-build.log");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        if (isPath(kernel)) {
            pb.environment().put("ZDTM_KERNEL", kernel);
        }
        if (isPath(criu)) {
            pb.environment().put("ZDTM_CRIU", criu);
        }
        try {
            Files.createDirectories(out);
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("building the guest of " + key + " took over " + TIMEOUT_MINUTES
                        + " min; log: " + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("building the guest of your own kernel/CRIU " + key + " failed (exit "
                        + p.exitValue() + "); last lines of " + log + ":\n" + tail(log, 15));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("running " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building " + key, e);
        }
        return out.resolve("byo");
    }

    private static String tail(Path log, int lines) throws IOException {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
