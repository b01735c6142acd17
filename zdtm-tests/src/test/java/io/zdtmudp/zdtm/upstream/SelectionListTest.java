package io.zdtmudp.zdtm.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.junit.jupiter.api.Test;

class SelectionListTest {

    @Test
    void udpListHasTheUpstreamUdpTestsOursAndDemandsThatTheCorkedOnePasses() {
        SelectionList l = SelectionList.load("udp");
        assertThat(l.entries()).extracting(ListEntry::name).containsExactly("static/socket_udp", "static/socket6_udp",
                "static/socket_udplite", "static/socket_udp_shutdown", "static/socket_udp-broadcast",
                "static/socket_udp-corked", "static/sk-freebind", "static/sk-freebind-false", "static/socket_udp_queue",
                "static/socket6_udp_queue", "static/socket_udp_more", "static/socket6_udp_more",
                "static/socket_udp_gro", "static/socket_udp_gro_aggregate", "static/socket_udp_gro_dropped",
                "static/sk-inet-recvopts", "static/socket_udp_queue_marks", "static/socket6_udp_queue_flowlabel",
                "static/socket_udp_error", "static/socket_udp_error_dropped", "static/sock_opts_rx",
                "static/sock_tstamp_tcp_close", "static/sock6_hops_tclass", "static/socket_udp_queue_tstamp",
                "static/socket_udp_queue_tstamp_dropped", "static/socket_udp_rxq_ovfl",
                "static/socket_udp_rxq_ovfl_dropped", "static/socket_udp_peek_limit",
                "static/socket_udp_peek_limit_dropped", "static/socket_udp_zero_peeked",
                "static/socket_udp_zero_peeked_dropped", "static/socket_udp_queue_iface", "static/sk-netlink");
        ListEntry corked = l.entries().get(5);
        assertThat(corked.droppedFlags()).containsExactly("crfail");
        // Cork support landed (issue #4): no expected failure excuses a refused dump any more.
        assertThat(corked.xfail()).isEmpty();
        assertThat(corked.zdtmName()).isEqualTo("zdtm/static/socket_udp-corked");
        assertThat(corked.baseName()).isEqualTo("socket_udp-corked");
        assertThat(l.entries()).filteredOn(e -> e != corked).allSatisfy(e -> {
            assertThat(e.droppedFlags()).isEmpty();
            assertThat(e.xfail()).isEmpty();
        });
    }

    @Test
    void wideListHasAtLeastSixtyOtherTests() {
        SelectionList wide = SelectionList.load("wide");
        SelectionList udp = SelectionList.load("udp");
        assertThat(wide.entries()).hasSizeGreaterThanOrEqualTo(60);
        assertThat(wide.entries()).extracting(ListEntry::name)
                .doesNotContainAnyElementsOf(udp.entries().stream().map(ListEntry::name).toList());
    }

    @Test
    void parsesModifiersAndQuotedReasons() {
        SelectionList l = SelectionList.parse("t", """
                # comment
                static/a
                  static/b !crfail !suid xfail="a reason # with a hash"

                static/c xfail=short needs=/proc/net/udplite
                """);
        assertThat(l.entries()).hasSize(3);
        assertThat(l.entries().get(2).needs()).contains("/proc/net/udplite");
        assertThat(l.entries().get(1).needs()).isEmpty();
        assertThat(l.entries().get(1).droppedFlags()).isEqualTo(Set.of("crfail", "suid"));
        assertThat(l.entries().get(1).xfail()).contains("a reason # with a hash");
        assertThat(l.entries().get(2).xfail()).contains("short");
    }

    @Test
    void reportsTheLineOfABadEntry() {
        assertThatThrownBy(() -> SelectionList.parse("t", "static/a\nstatic/b bogus\n"))
                .hasMessageStartingWith("t.list:2: unknown modifier 'bogus'");
        assertThatThrownBy(() -> SelectionList.parse("t", "static/a\nstatic/a\n")).hasMessageContaining("t.list:2")
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> SelectionList.parse("t", "transition/fork\n"))
                .hasMessageContaining("not a zdtm static test name");
        assertThatThrownBy(() -> SelectionList.parse("t", "static/a xfail=\"open\n"))
                .hasMessageContaining("unterminated quote");
        assertThatThrownBy(() -> SelectionList.load("nope")).hasMessageContaining("/zdtm/nope.list");
    }

    @Test
    void manifestGivesExtraArguments() {
        Manifest m = Manifest.parse("static/socket_udp\t\nstatic/fifo\t--filename=fifo.test\n"
                + "static/cmdlinenv00\t--arg1=arg1 --arg2=arg2\n");
        assertThat(m.size()).isEqualTo(3);
        assertThat(m.extraArgs("static/socket_udp")).contains(java.util.List.of());
        assertThat(m.extraArgs("static/fifo")).contains(java.util.List.of("--filename=fifo.test"));
        assertThat(m.extraArgs("static/cmdlinenv00").orElseThrow()).hasSize(2);
        assertThat(m.extraArgs("static/none")).isEmpty();
    }
}
