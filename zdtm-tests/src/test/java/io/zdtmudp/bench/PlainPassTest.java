package io.zdtmudp.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PlainPassTest {
    @Test
    void timeBetweenTheMarksOfOneTag() {
        String dmesg = """
                [   10.000000] zdtm-bench: r1-100x64 begin
                [   10.500000] zdtm-bench: r1-1x64 begin
                [   10.512345] zdtm-bench: r1-100x64 end
                [   11.000000] zdtm-bench: r1-1x64 end
                """;
        assertThat(PlainPass.between(dmesg, "r1-100x64")).isCloseTo(512.345, within(1e-6));
    }

    @Test
    void missingMarksAreAnError() {
        assertThatThrownBy(() -> PlainPass.between("[    1.000000] zdtm-bench: x begin\n", "x"))
                .hasMessageContaining("no begin/end marks for x");
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
