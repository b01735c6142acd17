package io.zdtmudp.harness.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CacheDirTest {
    @Test
    void zdtmCacheWinsElseTheDefaultUnderHome() {
        assertThat(CacheDir.resolve("/c", "/h")).isEqualTo(Path.of("/c"));
        assertThat(CacheDir.resolve(null, "/h")).isEqualTo(Path.of("/h/.cache/zdtm-udp"));
        assertThat(CacheDir.resolve(" ", "/h")).isEqualTo(Path.of("/h/.cache/zdtm-udp"));
    }

    /** The build scripts put their entries where the harness looks for them. */
    @Test
    void resolvesAsTheBuildScriptsDo() throws Exception {
        assertThat(shell(null, "/h")).isEqualTo(CacheDir.resolve(null, "/h"));
        assertThat(shell("/c", "/h")).isEqualTo(CacheDir.resolve("/c", "/h"));
    }

    private static Path shell(String zdtmCache, String home) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". \"$1\" && printf %s \"$ZDTM_CACHE\"", "_", cacheDirSh().toString());
        pb.environment().remove("ZDTM_CACHE");
        if (zdtmCache != null) {
            pb.environment().put("ZDTM_CACHE", zdtmCache);
        }
        pb.environment().put("HOME", home);
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return Path.of(out);
    }

    private static Path cacheDirSh() {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            Path f = d.resolve("vm-images/lib/cache-dir.sh");
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new IllegalStateException("no vm-images/lib/cache-dir.sh above " + System.getProperty("user.dir"));
    }
}
