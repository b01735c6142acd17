package io.zdtmudp.harness.cycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CrModeTest {
    @Test
    void namesAsZdtmPySpellsThemAndPlainWhenUnset() {
        assertThat(CrMode.parse(null)).isEqualTo(CrMode.PLAIN);
        assertThat(CrMode.parse(" ")).isEqualTo(CrMode.PLAIN);
        assertThat(CrMode.parse("pre")).isEqualTo(CrMode.PRE);
        assertThat(CrMode.parse("Snaps")).isEqualTo(CrMode.SNAPS);
        assertThat(CrMode.parse("norst")).isEqualTo(CrMode.NORST);
        assertThat(CrMode.parse("iters")).isEqualTo(CrMode.ITERS);
        assertThat(CrMode.parse("page-server")).isEqualTo(CrMode.PAGE_SERVER);
        assertThat(CrMode.parse("lazy")).isEqualTo(CrMode.LAZY);
        assertThat(CrMode.parse("rpc")).isEqualTo(CrMode.RPC);
    }

    @Test
    void anUnknownModeNamesTheModesThereAre() {
        assertThatThrownBy(() -> CrMode.parse("restore-only")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dzdtm.mode=restore-only: not a mode; one of plain, pre, snaps, iters, page-server, lazy, rpc, norst");
    }

    @Test
    void aCaseCheckingARefusalRestoresOnce() {
        assertThat(CrMode.ITERS.onceRestored()).isEqualTo(CrMode.PLAIN);
        assertThat(CrMode.PRE.onceRestored()).isEqualTo(CrMode.PRE);
        assertThat(CrMode.LAZY.onceRestored()).isEqualTo(CrMode.LAZY);
    }

    @Test
    void norstIsNotAModeForAWholeRun() {
        String before = System.getProperty(CrMode.PROPERTY);
        try {
            System.setProperty(CrMode.PROPERTY, "norst");
            assertThatThrownBy(CrMode::fromSystemProperties).hasMessageContaining("UdpRun.mode(CrMode.NORST)");
            System.setProperty(CrMode.PROPERTY, "snaps");
            assertThat(CrMode.fromSystemProperties()).isEqualTo(CrMode.SNAPS);
        } finally {
            if (before == null) {
                System.clearProperty(CrMode.PROPERTY);
            } else {
                System.setProperty(CrMode.PROPERTY, before);
            }
        }
    }
}
