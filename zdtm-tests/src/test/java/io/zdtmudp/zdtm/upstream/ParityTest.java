package io.zdtmudp.zdtm.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.zdtm.upstream.CaseResult.Verdict;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ParityTest {
    private static final ListEntry UDP = new ListEntry("static/socket_udp", Set.of(), Optional.empty());

    @Test
    void zdtmPyCommandLine() {
        RunSettings once = RunSettings.from(new java.util.Properties());
        assertThat(ZdtmPy.argv(UDP, Flavor.NS, once, "/usr/sbin/criu")).containsExactly("python3", "zdtm.py", "run",
                "-t", "zdtm/static/socket_udp", "-f", "ns", "--criu-bin", "/usr/sbin/criu", "--keep-img", "never");
        java.util.Properties p = new java.util.Properties();
        p.setProperty("zdtm.iters", "2");
        p.setProperty("zdtm.pre", "3");
        assertThat(ZdtmPy.argv(UDP, Flavor.H, RunSettings.from(p), "c")).containsSubsequence("--iters", "2", "--pre",
                "3");
    }

    @Test
    void guestCriuOptionsBecomeAConfigFile() {
        assertThat(ZdtmPy.criuConfig(java.util.List.of("--network-lock", "nftables"))).isEqualTo("network-lock nftables\n");
        assertThat(ZdtmPy.criuConfig(java.util.List.of())).isEqualTo("\n");
    }

    @Test
    void readsZdtmPysVerdicts() {
        String pass = "====== Run zdtm/static/socket_udp in h ======\nStart test\n"
                + "=================== Test zdtm/static/socket_udp PASS ===================\n";
        assertThat(ZdtmPy.verdict(pass, UDP)).contains(Verdict.PASS);
        String fail = "###### Test zdtm/static/socket_udp FAIL at CRIU dump ######\n";
        assertThat(ZdtmPy.verdict(fail, UDP)).contains(Verdict.FAIL);
        assertThat(ZdtmPy.reason(fail, UDP)).isEqualTo("CRIU dump");
        String skip = "Skipping zdtm/static/socket_udp (manual run only)\n";
        assertThat(ZdtmPy.verdict(skip, UDP)).contains(Verdict.SKIP);
        assertThat(ZdtmPy.reason(skip, UDP)).isEqualTo("manual run only");
        assertThat(ZdtmPy.verdict("Traceback (most recent call last):", UDP)).isEmpty();
        assertThat(ZdtmPy.verdict("Test zdtm/static/socket_udp6 PASS", UDP)).as("another test's line").isEmpty();
    }

    @Test
    void tableShowsBothSidesAndAgreement() {
        ParityTable t = new ParityTable();
        t.add(new ParityTable.Row("zdtm/static/socket_udp", Flavor.H, "PASS", Duration.ofMillis(4200), "PASS",
                Duration.ofMillis(1500), ""));
        t.add(new ParityTable.Row("zdtm/static/socket_udp-corked", Flavor.H, "PASS", Duration.ofMillis(3000), "XFAIL",
                Duration.ofMillis(900), "crfail"));
        String s = t.render("title");
        assertThat(s).contains("zdtm/static/socket_udp ").contains("4.2s").contains("1.5s").contains("XFAIL")
                .contains("1/2 verdicts agree").contains("7.2s").contains("2.4s");
        assertThat(t.tsv()).contains("zdtm/static/socket_udp\th\tPASS\t4200\tPASS\t1500\t");
    }
}
