package io.zdtmudp.harness.container;

import com.github.dockerjava.api.DockerClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.TestcontainersConfiguration;

/**
 * The Docker engine as Testcontainers reaches it, checked before first use. Nothing may be pulled here: Ryuk
 * and the start-up checks each run a pulled image, and so does the host address lookup when the JVM itself
 * runs in a container (it asks a container for its gateway; our containers publish no port, so any fixed
 * address does). Only environment variables turn these off (Testcontainers reads no system property for
 * them). A missing engine or setting fails the run.
 */
public final class DockerEngine {
    static final String RYUK_DISABLED = "TESTCONTAINERS_RYUK_DISABLED";
    static final String CHECKS_DISABLE = "TESTCONTAINERS_CHECKS_DISABLE";
    static final String HOST_OVERRIDE = "TESTCONTAINERS_HOST_OVERRIDE";

    private DockerEngine() {}

    public static DockerClient client() {
        requireNoPullSettings(System.getenv(), TestcontainersConfiguration.getInstance().isDisableChecks());
        try {
            return DockerClientFactory.instance().client();
        } catch (RuntimeException e) {
            throw new IllegalStateException("the container backend needs a Docker engine and none answered ("
                    + e.getMessage() + "): run ci/container/engine (installs docker.io, starts dockerd)", e);
        }
    }

    static void requireNoPullSettings(Map<String, String> env, boolean checksDisabled) {
        List<String> missing = new ArrayList<>();
        if (!Boolean.parseBoolean(env.get(RYUK_DISABLED))) {
            missing.add(RYUK_DISABLED + "=true");
        }
        if (!checksDisabled) {
            missing.add(CHECKS_DISABLE + "=true");
        }
        if (env.getOrDefault(HOST_OVERRIDE, "").isBlank()) {
            missing.add(HOST_OVERRIDE + "=localhost");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the container backend pulls nothing, but Testcontainers would: set "
                    + String.join(", ", missing) + " in the test JVM's environment (the poms' failsafe configuration does)");
        }
    }
}
