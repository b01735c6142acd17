package io.zdtmudp.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FuzzReportTest {
    @Test
    void cleanRunGivesItsExecutionsAndNoFinding() {
        FuzzReport r = FuzzReport.parse("""
                INFO: Seed: 1
                #3054948\tDONE   cov: 197 ft: 610 corp: 66/9041b lim: 4096 exec/s: 50081 rss: 560Mb
                Done 3054948 runs in 61 second(s)
                """);

        assertThat(r.completedExecutions()).contains(3054948L);
        assertThat(r.seconds()).isEqualTo(61);
        assertThat(r.findings()).isEmpty();
    }

    @Test
    void sanitizerReportIsAFinding() {
        FuzzReport r = FuzzReport.parse("""
                ==27812==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000014
                artifact_prefix='./'; Test unit written to ./crash-6839
                """);

        assertThat(r.completedExecutions()).isEmpty();
        assertThat(r.findings()).hasSize(2).anySatisfy(l -> assertThat(l).contains("heap-buffer-overflow"));
    }

    @Test
    void undefinedBehaviourIsAFinding() {
        FuzzReport r = FuzzReport.parse("udp-queue-img.c:42:7: runtime error: shift exponent 40 is too large\n"
                + "Done 10 runs in 1 second(s)\n");

        assertThat(r.findings()).containsExactly("udp-queue-img.c:42:7: runtime error: shift exponent 40 is too large");
    }
}
