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
        assertThat(Flavor.parse(" NS ")).isEqualTo(Flavor.NS);
        assertThat(Flavor.parse("uns")).isEqualTo(Flavor.UNS);
        assertThatThrownBy(() -> Flavor.parse("userns")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dzdtm.flavor=userns: not a flavor; one of h, ns, uns");
    }

    @Test
    void eachFlavorStartsItsTaskInPlace() {
        assertThat(Flavor.H.unshare()).isEmpty();
        assertThat(Flavor.NS.unshare()).containsExactly("unshare", "--net", "--uts", "--ipc", "--");
        // in place: the pid spawned is the task's, and CRIU gives it back
        assertThat(Flavor.NS.unshare()).doesNotContain("--fork", "--pid");
        // a container's init is not the pid its launcher got: it starts through ContainerInit
        assertThatThrownBy(Flavor.UNS::unshare).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aScenarioThatNeedsItsOwnNamespaceKeepsIt() {
        assertThat(Flavor.H.atLeast(Flavor.NS)).isEqualTo(Flavor.NS);
        assertThat(Flavor.NS.atLeast(Flavor.H)).isEqualTo(Flavor.NS);
        assertThat(Flavor.NS.ownsNetworkNamespace()).isTrue();
        assertThat(Flavor.H.ownsNetworkNamespace()).isFalse();
        assertThat(Flavor.UNS.atLeast(Flavor.NS)).isEqualTo(Flavor.UNS);
        assertThat(Flavor.UNS.ownsNetworkNamespace()).isTrue();
        assertThat(Flavor.UNS.ownsUserNamespace()).isTrue();
        assertThat(Flavor.NS.ownsUserNamespace()).isFalse();
    }
}
