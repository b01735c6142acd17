package io.zdtmudp.harness.guest;

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
    void aSplatNamesTheTestsThatRanAlongsideWhenTheKernelLoggedIt() {
        String log = String.join("\n",
                "[1.0] booted",
                "[1.1] zdtm: test z1 begin",
                "[1.2] WARNING: before z2 began",
                "[1.3] zdtm: test z2 begin",
                "[1.4] zdtm: test z3 begin",
                "[1.5] WARNING: while all three ran",
                "[1.6] zdtm: test z1 end",
                "[1.7] WARNING: after z1 ended",
                "[1.8] zdtm: test z3 end",
                "[1.9] WARNING: z2 alone") + "\n";
        KernelLogWindow z1 = KernelLogWindow.of(log, 1).orElseThrow();
        assertThat(KernelHealth.problems(z1, 0, 0)).containsExactly(
                "[1.2] WARNING: before z2 began",
                "[1.5] WARNING: while all three ran  [tests z2, z3 ran alongside: any of them may have caused it]");
        assertThat(KernelHealth.problems(KernelLogWindow.of(log, 2).orElseThrow(), 0, 0)).containsExactly(
                "[1.5] WARNING: while all three ran  [tests z1, z3 ran alongside: any of them may have caused it]",
                "[1.7] WARNING: after z1 ended  [tests z3 ran alongside: any of them may have caused it]",
                "[1.9] WARNING: z2 alone");
        assertThat(KernelLogWindow.of(log, 3).orElseThrow().overlapping()).containsExactly(1, 2);
        assertThat(z1.overlapping()).containsExactly(2, 3);
        assertThat(z1.text()).contains("zdtm: test z2 begin").doesNotContain("z1 begin").doesNotContain("after z1 ended");
        assertThat(KernelHealth.problems(z1, 0, 512)).last().asString()
                .startsWith("kernel taint flags appeared: 0x200 (now 512)").contains("z2, z3 ran alongside");
    }

    @Test
    void aLogWithoutTheTestsBeginMarkerHasNoWindow() {
        assertThat(KernelLogWindow.of("[1.0] zdtm: test z12 begin\n[1.1] WARNING: x\n", 1)).isEmpty();
    }

    @Test
    void poolSizeComesFromThePropertyElseOneGuestPerTwoCores() {
        assertThat(VmPool.count(k -> java.util.Optional.empty(), 2)).isEqualTo(1);
        assertThat(VmPool.count(k -> java.util.Optional.empty(), 1)).isEqualTo(1);
        assertThat(VmPool.count(k -> java.util.Optional.empty(), 16)).isEqualTo(8);
        assertThat(VmPool.count(k -> java.util.Optional.of(" 3"), 2)).isEqualTo(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> VmPool.count(k -> java.util.Optional.of("many"), 2))
                .hasMessageContaining("zdtm.vm.count");
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
}
