package io.zdtmudp.harness.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointTest {
    @Test
    void keepsMappedAddressesApartFromIpv4() {
        Endpoint v4 = Endpoint.parse("127.0.0.1", 7000);
        Endpoint mapped = Endpoint.parse("::ffff:127.0.0.1", 7000);
        assertThat(mapped).isNotEqualTo(v4);
        assertThat(v4.mapped()).isEqualTo(mapped);
        assertThat(mapped.host()).isEqualTo("::ffff:127.0.0.1");
        assertThat(mapped.family()).isEqualTo(IpFamily.INET6);
    }

    @Test
    void unmappingUndoesMappingAndLeavesOthersAlone() {
        Endpoint v4 = Endpoint.parse("127.0.0.5", 9);
        assertThat(v4.mapped().unmapped()).isEqualTo(v4);
        assertThat(v4.unmapped()).isEqualTo(v4);
        assertThat(Endpoint.parse("::1", 9).unmapped()).isEqualTo(Endpoint.parse("::1", 9));
        assertThat(v4.isMapped()).isFalse();
    }

    @Test
    void printsIpv6TheWayTheGuestDoes() {
        assertThat(Endpoint.parse("::1", 1).host()).isEqualTo("::1");
        assertThat(Endpoint.parse("::", 1).host()).isEqualTo("::");
        assertThat(Endpoint.parse("fd00::a", 1).host()).isEqualTo("fd00::a");
        assertThat(Endpoint.parse("fd00:0:0:1::2", 5).toString()).isEqualTo("[fd00:0:0:1::2]:5");
    }

    @Test
    void refusesNames() {
        assertThatThrownBy(() -> Endpoint.parse("localhost", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Endpoint.parse("127.0.0.1", 70000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wildcardIsAllZero() {
        assertThat(IpFamily.INET.any().isWildcard()).isTrue();
        assertThat(IpFamily.INET6.any().isWildcard()).isTrue();
        assertThat(IpFamily.INET6.loopback().isWildcard()).isFalse();
    }

    @Test
    void multicastGroupsAreToldFromUnicastInEveryForm() {
        assertThat(Endpoint.parse("239.1.2.3", 0).isMulticast()).isTrue();
        assertThat(Endpoint.parse("224.0.0.1", 0).isMulticast()).isTrue();
        assertThat(Endpoint.parse("::ffff:239.1.2.3", 0).isMulticast()).isTrue();
        assertThat(Endpoint.parse("ff02::1:3", 0).isMulticast()).isTrue();
        assertThat(Endpoint.parse("127.255.255.255", 0).isMulticast()).isFalse();
        assertThat(Endpoint.parse("240.0.0.1", 0).isMulticast()).isFalse();
        assertThat(Endpoint.parse("::1", 0).isMulticast()).isFalse();
        assertThat(Endpoint.parse("fe80::1", 0).isMulticast()).isFalse();
    }
}
