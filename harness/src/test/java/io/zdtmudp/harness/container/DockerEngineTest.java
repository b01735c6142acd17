package io.zdtmudp.harness.container;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerEngineTest {
    private static final Map<String, String> NO_PULL = Map.of(DockerEngine.RYUK_DISABLED, "true",
            DockerEngine.HOST_OVERRIDE, "localhost");

    @Test
    void passesWhenEverythingThatPullsIsOff() {
        assertThatCode(() -> DockerEngine.requireNoPullSettings(NO_PULL, true)).doesNotThrowAnyException();
    }

    @Test
    void namesEachSettingThatWouldPull() {
        assertThatThrownBy(() -> DockerEngine.requireNoPullSettings(Map.of(), false))
                .hasMessageContaining("TESTCONTAINERS_RYUK_DISABLED=true")
                .hasMessageContaining("TESTCONTAINERS_CHECKS_DISABLE=true")
                .hasMessageContaining("TESTCONTAINERS_HOST_OVERRIDE=localhost");
        assertThatThrownBy(() -> DockerEngine.requireNoPullSettings(NO_PULL, false))
                .hasMessageContaining("CHECKS_DISABLE").hasMessageNotContaining("RYUK");
    }
}
