package io.zdtmudp.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KernelHealthTest {
    @Test
    void oopsBugWarningAndNewTaintAreProblems() {
        String dmesg = "[ 1.0] eth0 up\n[ 2.0] WARNING: CPU: 0 PID: 1 at net/ipv4/udp.c:100\n"
                + "[ 3.0] BUG: kernel NULL pointer dereference\n[ 4.0] Oops: 0000 [#1] SMP\n";
        assertThat(KernelHealth.problems(dmesg, 0, 0)).hasSize(3).allMatch(l -> !l.contains("eth0"));
        assertThat(KernelHealth.problems("", 0, 512)).containsExactly("kernel taint flags appeared: 0x200 (now 512)");
        assertThat(KernelHealth.problems("", 512, 512)).as("old taint is not this test's").isEmpty();
        assertThat(KernelHealth.problems("[1] udp: all fine\n", 0, 0)).isEmpty();
    }

    @Test
    void sliceTakesWhatCameAfterTheBaselineEvenWhenTheRingWrapped() {
        assertThat(KernelHealth.slice("a\nb\n", "a\nb\nc\n")).isEqualTo("c\n");
        assertThat(KernelHealth.slice("a\nb\n", "b\nc\n")).isEqualTo("c\n");
        assertThat(KernelHealth.slice("x\n", "c\n")).isEqualTo("c\n");
        assertThat(KernelHealth.slice("", "c\n")).isEqualTo("c\n");
    }

    @Test
    void taintParsing() {
        assertThat(KernelHealth.parseTaint("4096\n")).isEqualTo(4096);
        assertThat(KernelHealth.parseTaint("?")).isZero();
    }

    @Test
    void artifactPathsAreSafeAndPerClassPerMethod() {
        assertThat(ArtifactPaths.forTest(Path.of("/r"), "io.x.UdpIT", "dump-[1] ipv6 ✓"))
                .isEqualTo(Path.of("/r/io.x.UdpIT/dump-_1_ipv6_"));
        assertThat(ArtifactPaths.safe("../..")).isEqualTo("_");
        assertThat(ArtifactPaths.safe("a".repeat(300))).hasSize(120);
    }

    @Test
    void scopeParsing() {
        assertThat(VmScope.parse(null)).isEqualTo(VmScope.PER_RUN);
        assertThat(VmScope.parse("per-class")).isEqualTo(VmScope.PER_CLASS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> VmScope.parse("per-test")).hasMessageContaining("zdtm.vm.scope");
    }
}
