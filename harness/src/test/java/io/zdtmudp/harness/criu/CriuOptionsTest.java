package io.zdtmudp.harness.criu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CriuOptionsTest {
    @Test
    void dumpArgv() {
        DumpOptions o = DumpOptions.builder().pid(42).imagesDir("/tmp/zdtm/1/img").workDir("/tmp/zdtm/1").shellJob(true)
                .leaveRunning(true).tcpEstablished(true).extUnixSk(true).actionScript("/a.sh").extraArgs("--skip-in-flight").build();
        assertThat(o.toArgs()).containsExactly("-t", "42", "-D", "/tmp/zdtm/1/img", "-W", "/tmp/zdtm/1", "-o", "dump.log", "-v4",
                "--shell-job", "--tcp-established", "--ext-unix-sk", "--action-script", "/a.sh", "--leave-running",
                "--skip-in-flight");
        assertThat(o.logPath()).isEqualTo("/tmp/zdtm/1/dump.log");
    }

    @Test
    void theDriverAddsTheScaledTimeoutUnlessOneWasChosen() {
        DumpOptions o = DumpOptions.builder().pid(1).imagesDir("/i").build();
        assertThat(o.withDefaultTimeout(100).toArgs()).containsSequence("--timeout", "100");
        assertThat(o.toBuilder().timeoutSeconds(7).build().withDefaultTimeout(100).toArgs()).containsSequence("--timeout", "7")
                .doesNotContain("100");
        assertThat(o.logPath()).as("without -W the log is in the images dir").isEqualTo("/i/dump.log");
    }

    @Test
    void theDriverAddsTheScaledPeekLimitUnlessOneWasChosen() {
        DumpOptions o = DumpOptions.builder().pid(1).imagesDir("/i").build();
        assertThat(o.withDefaultUdpPeekLimit(20000).toArgs()).containsSequence("--udp-peek-limit", "20000");
        assertThat(o.toBuilder().extraArgs("--udp-peek-limit", "5").build().withDefaultUdpPeekLimit(20000).toArgs())
                .containsSequence("--udp-peek-limit", "5").doesNotContain("20000");
        assertThat(o.toBuilder().extraArgs("--udp-peek-limit=0").build().withDefaultUdpPeekLimit(20000).toArgs())
                .contains("--udp-peek-limit=0").doesNotContain("20000");
    }

    @Test
    void preDumpChainsImagesDirs() {
        DumpOptions o = DumpOptions.builder().pid(5).imagesDir("/w/2").prevImagesDir("../1").trackMem(true).logFile("pre-dump.log").build();
        assertThat(o.toArgs()).containsSequence("--track-mem", "--prev-images-dir", "../1").containsSequence("-o", "pre-dump.log");
    }

    @Test
    void restoreIsDetachedWithAPidfileByDefault() {
        RestoreOptions o = RestoreOptions.builder().imagesDir("/w/img").workDir("/w").logLevel(2).build();
        assertThat(o.toArgs()).containsExactly("-D", "/w/img", "-W", "/w", "-o", "restore.log", "-v2", "--restore-detached",
                "--pidfile", "/w/restore.pid");
        assertThat(o.pidFilePath()).isEqualTo("/w/restore.pid");
        RestoreOptions attached = o.toBuilder().restoreDetached(false).pidFile(null).build();
        assertThat(attached.toArgs()).doesNotContain("--restore-detached", "--pidfile");
        assertThat(attached.pidFilePath()).isNull();
    }

    @Test
    void invalidOptionsAreRejected() {
        assertThatThrownBy(() -> DumpOptions.builder().imagesDir("/i").build()).hasMessageContaining("-t");
        assertThatThrownBy(() -> DumpOptions.builder().pid(1).build()).hasMessageContaining("imagesDir");
        assertThatThrownBy(() -> DumpOptions.builder().logLevel(5)).hasMessageContaining("0..4");
        assertThatThrownBy(() -> RestoreOptions.builder().timeoutSeconds(0)).hasMessageContaining(">= 1");
    }

    @Test
    void aFaultIsCriuFaultWithItsNumber() {
        DumpOptions o = DumpOptions.builder().pid(5).imagesDir("/i").fault(CriuFault.UDP_QUEUE_NO_REPAIR).build();
        assertThat(o.env()).containsEntry("CRIU_FAULT", "139");
    }

    @Test
    void environmentIsCarriedButNotInTheArgv() {
        DumpOptions o = DumpOptions.builder().pid(5).imagesDir("/i").env("CRIU_X", "yes").build();
        assertThat(o.env()).containsEntry("CRIU_X", "yes");
        assertThat(String.join(" ", o.toArgs())).doesNotContain("CRIU_X").doesNotContain("yes");
        assertThat(o.withDefaultTimeout(3).env()).as("survives toBuilder").containsEntry("CRIU_X", "yes");
    }

    @Test
    void binaryParsing() {
        assertThat(CriuBinary.parse(null)).isEqualTo(CriuBinary.PATCHED);
        assertThat(CriuBinary.parse("STOCK").path()).isEqualTo("/opt/criu-stock/sbin/criu");
        assertThatThrownBy(() -> CriuBinary.parse("upstream")).hasMessageContaining("zdtm.criu");
    }

    @Test
    void resultErrorLinesAndException() {
        CriuResult r = new CriuResult(java.util.List.of("criu", "dump"), 1, java.time.Duration.ofMillis(5),
                "(00.001) ok\n(00.002) Error (criu/sk-udp.c:12): boom\n", "");
        assertThat(r.errorLines()).containsExactly("(00.002) Error (criu/sk-udp.c:12): boom");
        assertThatThrownBy(r::orThrow).isInstanceOf(CriuException.class).hasMessageContaining("`criu dump` exited 1")
                .hasMessageContaining("boom");
    }
}
