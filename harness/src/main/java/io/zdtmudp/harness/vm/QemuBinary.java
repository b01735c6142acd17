package io.zdtmudp.harness.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The QEMU executable a {@link VmConfig} names, found before anything is started: a missing binary is
 * a configuration error to report at once, not a boot to retry. Its identity (path, size, mtime and
 * {@code --version}) is part of a snapshot's key, since a snapshot only loads into the QEMU that
 * wrote it.
 */
public record QemuBinary(Path path, String identity) {
    private static final Map<String, String> IDENTITIES = new ConcurrentHashMap<>();

    /** Finds {@code name} (a path, or a name looked up on PATH) or throws {@link VmStartException}. */
    public static Path locate(String name, String pathEnv) {
        if (name.contains("/")) {
            Path p = Path.of(name).toAbsolutePath();
            if (!Files.exists(p)) {
                throw new VmStartException("QEMU binary " + p + " does not exist", null);
            }
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                throw new VmStartException("QEMU binary " + p + " is not an executable file", null);
            }
            return p;
        }
        for (String dir : (pathEnv == null ? "" : pathEnv).split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new VmStartException("QEMU binary " + name + " not found on PATH (" + pathEnv
                + "): install qemu-system-x86 or name the binary in VmConfig", null);
    }

    static QemuBinary of(VmConfig config) {
        Path p = locate(config.qemuBinary(), System.getenv("PATH"));
        return new QemuBinary(p, identity(p));
    }

    private static String identity(Path p) {
        String stamp;
        try {
            stamp = p.toRealPath() + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            throw new VmStartException("QEMU binary " + p + " unreadable: " + e.getMessage(), e);
        }
        return IDENTITIES.computeIfAbsent(stamp, s -> s + " " + version(p));
    }

    private static String version(Path p) {
        try {
            Process v = new ProcessBuilder(p.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!v.waitFor(30, TimeUnit.SECONDS)) {
                v.destroyForcibly();
            }
            return out.lines().findFirst().orElse("unknown version");
        } catch (IOException e) {
            throw new VmStartException("QEMU binary " + p + " does not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmStartException("interrupted asking " + p + " for its version", e);
        }
    }
}
