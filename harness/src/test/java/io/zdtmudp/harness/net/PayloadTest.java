package io.zdtmudp.harness.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PayloadTest {
    // Vectors printed by udpq.c's generator: the two must agree byte for byte.
    @Test
    void generatorMatchesTheWorkload() {
        assertThat(hex(Payload.generated(8, 1))).isEqualTo("7235548658c86f6c");
        assertThat(hex(Payload.generated(8, 2))).isEqualTo("220f0f83d9cd5d15");
        assertThat(hex(Payload.generated(10, 5))).isEqualTo("9b8023239b17fa134956");
    }

    @Test
    void scriptFormsNameTheBytes() {
        assertThat(Payload.text("hi").scriptForm()).isEqualTo("hex:6869");
        assertThat(Payload.empty().scriptForm()).isEqualTo("-");
        assertThat(Payload.generated(64, 7).scriptForm()).isEqualTo("gen:64:7");
    }

    @Test
    void equalityIsByBytes() {
        assertThat(Payload.of(new byte[] {1, 2})).isEqualTo(Payload.of(new byte[] {1, 2}));
        assertThat(Payload.of(new byte[] {1, 2})).isNotEqualTo(Payload.of(new byte[] {1, 3}));
    }

    @Test
    void rejectsImpossibleLengths() {
        assertThatThrownBy(() -> Payload.generated(65536, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String hex(Payload p) {
        return HexFormat.of().formatHex(p.bytes());
    }
}
