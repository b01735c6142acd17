package io.zdtmudp.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * No Java source is longer than a reader takes in at once (issue #17: 400 lines). A file past that holds more
 * than one concern: split it by concern, as UdpReceiveQueueCases is into its case interfaces.
 */
class SourceFileSizeTest {
    private static final int MAX_LINES = 400;

    @Test
    void noJavaSourceIsLongerThan400Lines() {
        Map<String, Integer> tooLong = new TreeMap<>();
        for (Path p : RepositoryTree.javaSources()) {
            int lines = (int) RepositoryTree.read(p).lines().count();
            if (lines > MAX_LINES) {
                tooLong.put(RepositoryTree.ROOT.relativize(p).toString(), lines);
            }
        }
        assertThat(RepositoryTree.javaSources()).as("Java sources found").hasSizeGreaterThan(100);
        assertThat(tooLong).as("Java sources over " + MAX_LINES + " lines, with their lengths").isEmpty();
    }
}
