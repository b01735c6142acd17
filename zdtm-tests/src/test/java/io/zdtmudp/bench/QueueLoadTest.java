package io.zdtmudp.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class QueueLoadTest {
    private static final List<QueueLoad> ALL = List.of(QueueLoad.EMPTY, new QueueLoad(1, 64),
            new QueueLoad(10_000, 64), new QueueLoad(100, 65_507));

    @Test
    void noSpecKeepsEveryLoad() {
        assertThat(QueueLoad.select(ALL, null)).isEqualTo(ALL);
        assertThat(QueueLoad.select(ALL, " ")).isEqualTo(ALL);
    }

    @Test
    void specKeepsTheNamedLoadsAndTheEmptyBaseline() {
        assertThat(QueueLoad.select(ALL, "100x65507, 10000x64"))
                .containsExactly(QueueLoad.EMPTY, new QueueLoad(10_000, 64), new QueueLoad(100, 65_507));
    }

    @Test
    void unknownLoadIsRefused() {
        assertThatThrownBy(() -> QueueLoad.select(ALL, "10000x64,7x7"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("7x7");
    }
}
