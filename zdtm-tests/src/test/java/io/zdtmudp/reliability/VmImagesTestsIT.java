package io.zdtmudp.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The build machinery's own tests ({@code vm-images/tests/run}: the cache, including corrupt entries
 * against their manifest, input hashing, the mirror lookup, /init's decoder) pass on the host, so
 * {@code mvn verify} (and with it .ci/run) runs them. No VM.
 */
class VmImagesTestsIT {
    @Test
    void vmImagesTestsPass() throws IOException, InterruptedException {
        Path script = repoRoot().resolve("vm-images/tests/run");
        Path log = Files.createDirectories(Path.of(System.getProperty("user.dir"), "target")).resolve("vm-images-tests.log");
        Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(text);

        assertThat(done).as("vm-images/tests/run finished in 120 s").isTrue();
        assertThat(text).as("output").doesNotContain("FAIL ").contains("all passed");
        assertThat(p.exitValue()).as("exit status of vm-images/tests/run:\n%s", text).isZero();
    }

    private static Path repoRoot() {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("vm-images/tests/run"))) {
                return d;
            }
        }
        throw new IllegalStateException("no vm-images/tests/run above " + System.getProperty("user.dir"));
    }
}
