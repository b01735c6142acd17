package io.zdtmudp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BenchReportTest {
    @Test
    void handWrittenTailOfThePreviousFileIsKept() {
        String previous = "# old table\n" + BenchReport.HAND_WRITTEN_MARKER + "\n## Analysis\nkept\n";

        assertThat(BenchReport.withHandWritten("# new table\n", Optional.of(previous)))
                .isEqualTo("# new table\n\n" + BenchReport.HAND_WRITTEN_MARKER + "\n## Analysis\nkept\n");
    }

    @Test
    void withoutTheMarkerOnlyTheGeneratedTextIsWritten() {
        assertThat(BenchReport.withHandWritten("# new\n", Optional.of("# old\n## Analysis\n"))).isEqualTo("# new\n");
        assertThat(BenchReport.withHandWritten("# new\n", Optional.empty())).isEqualTo("# new\n");
    }
}
