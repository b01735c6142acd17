package io.zdtmudp.harness.udp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnprivilegedBuffersTest {
    private static final String SCRIPT = "sock rx 4 udp bind=127.0.0.1,0 rcvbufforce=1048576 peekoff=3\n"
            + "sock tx 4 udp rcvbuf=4096\n"
            + "sock big 6 udp rcvbufforce=33554432\n";

    @Test
    void forcedBuffersAreAskedForWithSoRcvbufAndNothingElseChanges() {
        assertThat(UnprivilegedBuffers.script(SCRIPT)).isEqualTo(
                "sock rx 4 udp bind=127.0.0.1,0 rcvbuf=1048576 peekoff=3\n"
                        + "sock tx 4 udp rcvbuf=4096\n"
                        + "sock big 6 udp rcvbuf=33554432\n");
    }

    @Test
    void theLargestForcedBufferIsWhatTheMaximumMustAdmit() {
        assertThat(UnprivilegedBuffers.largestForced(SCRIPT)).hasValue(33554432L);
        assertThat(UnprivilegedBuffers.largestForced("sock tx 4 udp rcvbuf=4096\n")).isEmpty();
    }
}
