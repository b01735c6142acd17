package io.zdtmudp.zdtm.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class DescParserTest {

    @Test
    void emptyDescIsTheDefault() {
        ZdtmDesc d = ZdtmDesc.parse("  \n", "x.desc");
        assertThat(d.flavors()).containsExactlyInAnyOrder(Flavor.H, Flavor.NS, Flavor.UNS);
        assertThat(d.flags()).isEmpty();
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.arch()).isEmpty();
    }

    @Test
    void readsFlagsFlavorsFeaturesAndOptions() {
        ZdtmDesc d = ZdtmDesc.parse("{'flavor': 'h ns', 'flags': 'suid crfail ', 'feature' : 'tcp_half_closed mnt_id',"
                + " 'opts': '--tcp-established', 'dopts': '--a', 'ropts': '--b --c', 'arch': 'x86_64'}", "t.desc");
        assertThat(d.flavors()).containsExactlyInAnyOrder(Flavor.H, Flavor.NS);
        assertThat(d.flags()).containsExactlyInAnyOrder("suid", "crfail");
        assertThat(d.crfail()).isTrue();
        assertThat(d.suid()).isTrue();
        assertThat(d.features()).containsExactly("tcp_half_closed", "mnt_id");
        assertThat(d.opts()).containsExactly("--tcp-established");
        assertThat(d.dopts()).containsExactly("--a");
        assertThat(d.ropts()).containsExactly("--b", "--c");
        assertThat(d.arch()).contains("x86_64");
    }

    @Test
    void acceptsCommentsMultiLineDictsListsAndTimeouts() {
        String text = """
                # a comment before the dict
                {
                'flavor': 'h',
                'flags': 'suid excl',
                # a comment inside
                'opts': '--manage-cgroups --cgroup-yard ../../external_yard',
                'deps': [   '/bin/sh',
                            "/sbin/ip|/bin/ip", ],
                'timeout': '60',
                }
                """;
        ZdtmDesc d = ZdtmDesc.parse(text, "cgroup_yard.desc");
        assertThat(d.flavors()).containsExactly(Flavor.H);
        assertThat(d.opts()).containsExactly("--manage-cgroups", "--cgroup-yard", "../../external_yard");
        assertThat(d.deps()).containsExactly("/bin/sh", "/sbin/ip|/bin/ip");
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void numericTimeoutAndAdjacentStrings() {
        ZdtmDesc d = ZdtmDesc.parse("{'timeout': 90, 'opts': '--a ' '--b'}", "t.desc");
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(d.opts()).containsExactly("--a", "--b");
    }

    @Test
    void droppingAFlagKeepsTheRest() {
        ZdtmDesc d = ZdtmDesc.parse("{'flags': 'crfail suid'}", "t.desc").withoutFlags(java.util.Set.of("crfail"));
        assertThat(d.crfail()).isFalse();
        assertThat(d.suid()).isTrue();
    }

    @Test
    void rejectsWhatIsNotADescWithItsPosition() {
        assertThatThrownBy(() -> ZdtmDesc.parse("{'flags': 'suid'", "a.desc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("a.desc:1:");
        assertThatThrownBy(() -> ZdtmDesc.parse("{'flags': os.system('x')}", "b.desc"))
                .hasMessageContaining("b.desc:1:11").hasMessageContaining("unsupported value");
        assertThatThrownBy(() -> ZdtmDesc.parse("['suid']", "c.desc")).hasMessageContaining("must be a dict");
        assertThatThrownBy(() -> ZdtmDesc.parse("{'flavor': 'vz'}", "d.desc")).hasMessageContaining("unknown zdtm flavor 'vz'");
        assertThatThrownBy(() -> ZdtmDesc.parse("{'flags': ['suid']}", "e.desc")).hasMessageContaining("must be a string");
    }

    /**
     * Every .desc of a CRIU tree parses, except those that are Python code rather than a literal (4.2.1 has
     * one: mnt_ext_dev.desc, computed from the environment), which are refused. Run with
     * -Dzdtm.criuSrc=/path/to/criu-4.2.1.
     */
    @Test
    void everyUpstreamDescParses() throws IOException {
        String src = System.getProperty("zdtm.criuSrc", "");
        Assumptions.assumeFalse(src.isEmpty(), "set -Dzdtm.criuSrc to a CRIU source tree to check its .desc files");
        Path dir = Path.of(src, "test", "zdtm", "static");
        List<Path> descs;
        try (Stream<Path> s = Files.list(dir)) {
            descs = s.filter(p -> p.toString().endsWith(".desc")).sorted().toList();
        }
        assertThat(descs).hasSizeGreaterThan(100);
        List<String> refused = new java.util.ArrayList<>();
        for (Path p : descs) {
            try {
                ZdtmDesc.parse(Files.readString(p), p.getFileName().toString());
            } catch (IllegalArgumentException e) {
                refused.add(p.getFileName().toString());
            }
        }
        assertThat(refused).containsExactly("mnt_ext_dev.desc");
    }
}
