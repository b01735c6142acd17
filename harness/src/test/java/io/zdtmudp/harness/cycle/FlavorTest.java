package io.zdtmudp.harness.cycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FlavorTest {
    @Test
    void namesAreZdtmPys() {
        assertThat(Flavor.parse(null)).isEqualTo(Flavor.H);
        assertThat(Flavor.parse(" ")).isEqualTo(Flavor.H);
        assertThat(Flavor.parse("ns")).isEqualTo(Flavor.NS);
        assertThat(Flavor.parse(" UNS ")).isEqualTo(Flavor.UNS);
        assertThatThrownBy(() -> Flavor.parse("userns")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dzdtm.flavor=userns: not a flavor; one of h, ns, uns");
    }

    @Test
    void eachFlavorStartsItsTaskInPlace() {
        assertThat(Flavor.H.unshare()).isEmpty();
        assertThat(Flavor.NS.unshare()).containsExactly("unshare", "--net", "--uts", "--ipc", "--");
        // a user namespace first, so that it owns the network namespace made with it
        assertThat(Flavor.UNS.unshare()).startsWith("unshare", "--user", "--map-root-user", "--net")
                .doesNotContain("--fork", "--pid");
    }

    @Test
    void aScenarioThatNeedsItsOwnNamespaceKeepsIt() {
        assertThat(Flavor.H.atLeast(Flavor.NS)).isEqualTo(Flavor.NS);
        assertThat(Flavor.UNS.atLeast(Flavor.NS)).isEqualTo(Flavor.UNS);
        assertThat(Flavor.NS.ownsNetworkNamespace()).isTrue();
        assertThat(Flavor.H.ownsNetworkNamespace()).isFalse();
    }
}
