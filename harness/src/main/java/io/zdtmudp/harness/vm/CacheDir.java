package io.zdtmudp.harness.vm;

import java.nio.file.Path;

/**
 * The cache the build scripts fill and the harness keeps its snapshots and KVM verdicts in:
 * {@code $ZDTM_CACHE}, else {@code ~/.cache/zdtm-udp}, as vm-images/lib/cache-dir.sh resolves it.
 */
public final class CacheDir {
    private CacheDir() {}

    public static Path resolve() {
        return resolve(System.getenv("ZDTM_CACHE"), System.getProperty("user.home"));
    }

    static Path resolve(String env, String home) {
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(home, ".cache", "zdtm-udp");
    }
}
