package io.zdtmudp.zdtm.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RunSettingsTest {

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsAreTheUdpListInAllFlavorsOnce() {
        RunSettings s = RunSettings.from(props());
        assertThat(s.list()).isEqualTo("udp");
        assertThat(s.flavors()).isEqualTo(Set.of(Flavor.H, Flavor.NS, Flavor.UNS));
        assertThat(s.iters()).isEqualTo(1);
        assertThat(s.preDumps()).isZero();
        assertThat(s.strictXfail()).isFalse();
        assertThat(s.only()).isEmpty();
    }

    @Test
    void readsEveryProperty() {
        RunSettings s = RunSettings.from(props("zdtm.list", "wide", "zdtm.flavors", "h, uns", "zdtm.iters", "3",
                "zdtm.pre", "2", "zdtm.xfail", "strict", "zdtm.only", "udp"));
        assertThat(s.list()).isEqualTo("wide");
        assertThat(s.flavors()).isEqualTo(Set.of(Flavor.H, Flavor.UNS));
        assertThat(s.iters()).isEqualTo(3);
        assertThat(s.preDumps()).isEqualTo(2);
        assertThat(s.strictXfail()).isTrue();
        assertThat(s.selects(new ListEntry("static/socket_udp", Set.of(), java.util.Optional.empty()))).isTrue();
        assertThat(s.selects(new ListEntry("static/pipe00", Set.of(), java.util.Optional.empty()))).isFalse();
    }

    @Test
    void rejectsNonsenseWithTheProperty() {
        assertThatThrownBy(() -> RunSettings.from(props("zdtm.iters", "0"))).hasMessageContaining("zdtm.iters");
        assertThatThrownBy(() -> RunSettings.from(props("zdtm.pre", "x"))).hasMessageContaining("zdtm.pre");
        assertThatThrownBy(() -> RunSettings.from(props("zdtm.flavors", "h,vz"))).hasMessageContaining("'vz'");
        assertThatThrownBy(() -> RunSettings.from(props("zdtm.flavors", " , "))).hasMessageContaining("no flavor");
        assertThatThrownBy(() -> RunSettings.from(props("zdtm.xfail", "maybe"))).hasMessageContaining("zdtm.xfail");
    }

    @Test
    void flavorsKeepZdtmOrderAndMeaning() {
        assertThat(Flavor.parseList("uns h ns")).containsExactly(Flavor.H, Flavor.NS, Flavor.UNS);
        assertThat(Flavor.H.namespaced()).isFalse();
        assertThat(Flavor.NS.namespaced()).isTrue();
        assertThat(Flavor.NS.userns()).isFalse();
        assertThat(Flavor.UNS.userns()).isTrue();
    }
}
