package io.zdtmudp.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DnsMessageTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void aQueryIsTheHeaderAndOneQuestion() {
        assertThat(HEX.formatHex(DnsMessage.query(0x1234, "h1.svc.test", DnsMessage.TYPE_A)))
                .isEqualTo("123401000001000000000000" + "026831" + "03737663" + "0474657374" + "00" + "0001" + "0001");
    }

    @Test
    void readsAnAnswerWithACompressedName() {
        // dnsmasq's answer to the query above: the question, then an A record whose name points at it (c00c)
        byte[] answer = HEX.parseHex("123485800001000100000000" + "026831037376630474657374000001" + "0001"
                + "c00c" + "0001" + "0001" + "0000012c" + "0004" + "0ac80001");
        var r = DnsMessage.parse(answer);
        assertThat(r.id()).isEqualTo(0x1234);
        assertThat(r.isResponse()).isTrue();
        assertThat(r.rcode()).isZero();
        assertThat(r.question()).isEqualTo("h1.svc.test");
        assertThat(r.questionType()).isEqualTo(DnsMessage.TYPE_A);
        assertThat(r.answers()).singleElement().satisfies(rec -> {
            assertThat(rec.name()).isEqualTo("h1.svc.test");
            assertThat(rec.type()).isEqualTo(DnsMessage.TYPE_A);
            assertThat(rec.ttl()).isEqualTo(300);
            assertThat(rec.data()).containsExactly(10, (byte) 200, 0, 1);
        });
    }

    @Test
    void aMessageCutShortIsAnError() {
        assertThatThrownBy(() -> DnsMessage.parse(HEX.parseHex("1234858000010001")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cut short");
    }

    @Test
    void aPointerLoopIsAnError() {
        byte[] loop = HEX.parseHex("123485800001000000000000" + "c00c" + "0001" + "0001");
        assertThatThrownBy(() -> DnsMessage.parse(loop)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loop");
    }
}
