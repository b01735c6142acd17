package io.zdtmudp.harness.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleLogTest {
    @Test
    void lastLinesDropsCarriageReturnsAndTheTrailingNewline() {
        assertThat(ConsoleLog.lastLines("a\r\nb\r\nc\r\n", 2)).isEqualTo("b\nc");
        assertThat(ConsoleLog.lastLines("a\nb", 5)).isEqualTo("a\nb");
        assertThat(ConsoleLog.lastLines("", 3)).isEmpty();
    }

    @Test
    void tailOfAMissingFileSaysSo(@TempDir Path tmp) throws IOException {
        assertThat(ConsoleLog.tail(tmp.resolve("none"), 5)).isEqualTo("(no console log)");
        Path f = tmp.resolve("c.log");
        Files.writeString(f, "1\n2\n3\n");
        assertThat(ConsoleLog.tail(f, 2)).isEqualTo("2\n3");
    }
}
