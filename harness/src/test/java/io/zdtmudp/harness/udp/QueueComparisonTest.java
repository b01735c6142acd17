package io.zdtmudp.harness.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.Endpoint;
import io.zdtmudp.harness.net.Payload;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueComparisonTest {
    private static final Endpoint A = Endpoint.parse("127.0.0.2", 1);
    private static final Endpoint B = Endpoint.parse("127.0.0.3", 1);

    @Test
    void equalQueuesHaveNoDifference() {
        var q = List.of(new Datagram(A, null, Payload.text("x")));
        assertThat(QueueComparison.difference(q, List.copyOf(q))).isEmpty();
    }

    @Test
    void namesTheFirstDifferingByte() {
        var e = List.of(new Datagram(A, null, Payload.of(new byte[] {1, 2, 3})));
        var a = List.of(new Datagram(A, null, Payload.of(new byte[] {1, 9, 3})));
        assertThat(QueueComparison.difference(e, a)).get().asString()
                .contains("#0 of 1").contains("offset 1").contains("0x02").contains("0x09");
    }

    @Test
    void aDifferentSourceIsADifference() {
        var e = List.of(new Datagram(A, null, Payload.empty()));
        var a = List.of(new Datagram(B, null, Payload.empty()));
        assertThatThrownBy(() -> QueueComparison.assertSame("rx", e, a))
                .isInstanceOf(AssertionError.class).hasMessageContaining("127.0.0.3");
    }

    @Test
    void aMissingTailIsReported() {
        var d = new Datagram(A, null, Payload.empty());
        assertThat(QueueComparison.difference(List.of(d, d), List.of(d))).get().asString()
                .contains("expected 2 datagrams, got 1").contains("missing");
    }

    @Test
    void aDatagramLostFromTheMiddleIsNamedMissing() {
        var e = List.of(text("a"), text("b"), text("c"));
        var a = List.of(text("a"), text("c"));
        assertThat(QueueComparison.difference(e, a)).get().asString()
                .contains("#1 of 3 differs (got 2)")
                .contains("expected #1 is missing from the actual queue")
                .contains("actual #1 is expected #2");
    }

    @Test
    void twoSwappedDatagramsAreNamedWhereTheyWent() {
        var e = List.of(text("a"), text("b"), text("c"));
        var a = List.of(text("a"), text("c"), text("b"));
        assertThat(QueueComparison.difference(e, a)).get().asString()
                .contains("expected #1 is actual #2").contains("actual #1 is expected #2");
    }

    private static Datagram text(String s) {
        return new Datagram(A, null, Payload.text(s));
    }
}
