package io.zdtmudp.harness.cycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcNetUdpTest {
    // Lines as Linux 6.1 and 7.2 print them: the header, then one socket a line, tx_queue:rx_queue joined.
    private static final String UDP = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
             1337: 0100007F:1CE8 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 20811 2 0000000000000000 0
             2048: 00000000:0035 0100007F:1CE9 01 00000000:00000340 00:00000000 00000000     0        0 20812 2 0000000000000000 0
            """;
    private static final String UDP6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
              211: 00000000000000000000000001000000:1E83 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 20900 2 0000000000000000 0
              212: 00000000000000000000000000000000:0035 00000000000000000000000000000000:0000 07 00000000:00000a00 00:00000000 00000000     0        0 20901 2 0000000000000000 0
            """;

    @Test
    void readsEveryLocalPortOfBothFamilies() {
        assertThat(ProcNetUdp.boundPorts(UDP + UDP6)).containsExactly(53, 7400, 7811);
    }

    @Test
    void aNamespaceWithoutSocketsHasNoPorts() {
        assertThat(ProcNetUdp.boundPorts(UDP.lines().findFirst().orElseThrow())).isEmpty();
        assertThat(ProcNetUdp.boundPorts("")).isEmpty();
    }

    @Test
    void aPortThatIsNotHexIsAnError() {
        assertThatThrownBy(() -> ProcNetUdp.boundPorts("   1: 0100007F:zz 00000000:0000 07"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0100007F:zz");
    }

    @Test
    void sumsTheReceiveQueueOfEverySocketOnAPort() {
        assertThat(ProcNetUdp.queuedBytes(UDP + UDP6, 53)).isEqualTo(0x340 + 0xa00);
        assertThat(ProcNetUdp.queuedBytes(UDP + UDP6, 7400)).isZero();
        assertThat(ProcNetUdp.queuedBytes(UDP + UDP6, 9)).as("no socket on the port").isZero();
    }

    @Test
    void aQueueThatIsNotHexIsAnError() {
        assertThatThrownBy(() -> ProcNetUdp.queuedBytes("   1: 0100007F:0035 00000000:0000 07 00000000:xyz", 53))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("00000000:xyz");
    }
}
