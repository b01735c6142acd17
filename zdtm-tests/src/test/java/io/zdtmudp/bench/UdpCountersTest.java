package io.zdtmudp.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UdpCountersTest {
    private static final String HEADER =
            "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors";

    @Test
    void deltaBetweenTwoReadings() {
        String text = HEADER + "\nUdp: 5 0 0 7 0 0 0 0 0\n" + HEADER + "\nUdp: 105 0 2 107 2 0 0 0 0\n";
        assertThat(UdpCounters.delta(text)).isEqualTo(new UdpCounters(100, 100, 2));
    }

    @Test
    void oneReadingIsAnError() {
        assertThatThrownBy(() -> UdpCounters.delta(HEADER + "\nUdp: 5 0 0 7 0 0 0 0 0\n"))
                .hasMessageContaining("two readings");
    }
}
