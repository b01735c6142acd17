package io.zdtmudp.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CriuLogTimesTest {
    private static final String DUMP = """
            (00.000012) Version: 4.1.1 (gitid 0)
            (00.120000) Dumping inet socket at 5
            (00.135500) udp: Dumped 0 datagrams (0 bytes) queued on socket 0x6
            (00.140000) Dumping inet socket at 6
            (00.452250) udp: Dumped 10000 datagrams (640000 bytes) queued on socket 0x7
            (01.250000) Dumping finished successfully
            """;

    @Test
    void totalIsTheLastTimestamp() {
        assertThat(CriuLogTimes.totalMillis(DUMP)).isCloseTo(1250.0, within(1e-9));
    }

    @Test
    void theLargestDumpAndTheGapBeforeItsLine() {
        var d = CriuLogTimes.largestDump(DUMP).orElseThrow();
        assertThat(d.datagrams()).isEqualTo(10_000);
        assertThat(d.bytes()).isEqualTo(640_000);
        assertThat(d.millis()).isCloseTo(312.25, within(1e-9));
    }

    @Test
    void restoreLineWithAPidPrefix() {
        String log = "(00.300000)     42: udp: Restored 100 datagrams (6400 bytes) through kernel in 17 ms\n"
                + "(00.300100)     42: udp: Restored 2 datagrams (10 bytes) through kernel in 1 ms\n";
        var r = CriuLogTimes.largestRestore(log).orElseThrow();
        assertThat(r.datagrams()).isEqualTo(100);
        assertThat(r.path()).isEqualTo("kernel");
        assertThat(r.millis()).isEqualTo(17.0);
    }

    @Test
    void noQueueLinesMeansEmpty() {
        assertThat(CriuLogTimes.largestRestore("(00.1) nothing\n")).isEmpty();
        assertThat(CriuLogTimes.largestDump("(00.100000) Dumping finished successfully\n")).isEmpty();
    }

    @Test
    void aLogWithoutTimestampsIsAnError() {
        assertThatThrownBy(() -> CriuLogTimes.totalMillis("Error (criu/cr-dump.c:1): no\n"))
                .hasMessageContaining("no timestamped line");
    }
}
