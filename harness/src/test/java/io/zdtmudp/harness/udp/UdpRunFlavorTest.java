package io.zdtmudp.harness.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.cycle.Flavor;
import org.junit.jupiter.api.Test;

class UdpRunFlavorTest {
    @Test
    void theRunsFlavorAppliesToAScenarioInTheTestsNamespaces() {
        assertThat(UdpRun.flavorOf(new UdpScenario(), Flavor.H)).isEqualTo(Flavor.H);
        assertThat(UdpRun.flavorOf(new UdpScenario(), Flavor.NS)).isEqualTo(Flavor.NS);
        assertThat(UdpRun.flavorOf(new UdpScenario(), Flavor.UNS)).isEqualTo(Flavor.UNS);
    }

    @Test
    void aScenarioOwningItsNamespaceKeepsOneUnderH() {
        assertThat(UdpRun.flavorOf(new UdpScenario().inOwnNetworkNamespace(), Flavor.H)).isEqualTo(Flavor.NS);
        assertThat(UdpRun.flavorOf(new UdpScenario().inOwnNetworkNamespace(), Flavor.UNS)).isEqualTo(Flavor.UNS);
    }

    @Test
    void aServersClientStaysInItsNamedNamespace() {
        assertThat(UdpRun.flavorOf(new UdpScenario().inNamespace("zpeer1"), Flavor.NS)).isEqualTo(Flavor.H);
    }
}
