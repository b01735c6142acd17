package io.zdtmudp.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PlainPassTest {
    private static String adjtimex(long sec, long usec) {
        return "    mode:         0\n-t  tick:         10000 us\n    time.tv_sec:  " + sec + "\n    time.tv_usec: " + usec + "\n";
    }

    @Test
    void timeBetweenTheTwoClockReadings() {
        String out = "Udp: InDatagrams\nUdp: 1\nmark begin\n" + adjtimex(100, 999_000) + "mark end\n" + adjtimex(101, 511_345);
        assertThat(PlainPass.elapsedMillis(out, "t")).isCloseTo(512.345, within(1e-6));
    }

    @Test
    void missingReadingsAreAnError() {
        assertThatThrownBy(() -> PlainPass.elapsedMillis("mark begin\n" + adjtimex(1, 0), "x"))
                .hasMessageContaining("no begin/end clock readings for plain pass x");
    }

    @Test
    void scriptSendsAndDrainsOnlyAfterTheSignal() {
        String script = PlainPass.script(new QueueLoad(100, 64), PlainPass.Kind.SEND_AND_DRAIN);
        assertThat(script.indexOf("after")).isLessThan(script.indexOf("sendn tx rx 100 64 1"));
        assertThat(script).endsWith("drain rx\n");
        assertThat(PlainPass.script(new QueueLoad(100, 64), PlainPass.Kind.SEND)).doesNotContain("drain");
        assertThat(PlainPass.script(QueueLoad.EMPTY, PlainPass.Kind.SEND)).doesNotContain("sendn");
    }
}
