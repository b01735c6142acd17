package io.zdtmudp.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {
    @Test
    void oddCountTakesTheMiddle() {
        assertThat(Summary.of(List.of(9.0, 1.0, 5.0))).isEqualTo(new Summary(3, 5.0, 1.0, 9.0));
    }

    @Test
    void evenCountAveragesTheTwoMiddles() {
        assertThat(Summary.of(List.of(4.0, 1.0, 2.0, 10.0)).median()).isEqualTo(3.0);
    }

    @Test
    void formatsAsMedianAndRange() {
        assertThat(Summary.of(List.of(1.4, 2.6, 3.0)).format()).isEqualTo("3 (1-3)");
    }

    @Test
    void noSamplesIsAnError() {
        assertThatThrownBy(() -> Summary.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
