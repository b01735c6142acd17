package io.zdtmudp.harness.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.agent.GuestProcess;
import io.zdtmudp.harness.criu.Criu;
import io.zdtmudp.harness.criu.CriuBinary;
import io.zdtmudp.harness.criu.CriuResult;
import io.zdtmudp.harness.criu.DumpOptions;
import io.zdtmudp.harness.criu.RestoreOptions;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.ZdtmVm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The CRIU driver end to end: dump a process, restore it detached, and reap it through the agent. */
@ZdtmVm
class CriuDriverIT {

    @ParameterizedTest
    @EnumSource(CriuBinary.class)
    void dumpThenRestoreDetachedIsWaitableThroughTheAgent(CriuBinary binary, Guest guest) {
        GuestProcess p = guest.spawn("sleep", "1000");
        String images = guest.workDir() + "/img";
        Criu criu = guest.criu(binary);

        CriuResult dump = criu.dump(DumpOptions.builder().pid(p.pid()).imagesDir(images).workDir(guest.workDir()).build()).orThrow();
        assertThat(dump.log()).contains("Dumping finished successfully");
        assertThat(dump.command()).contains("--timeout");
        assertThat(p.waitFor(guest.timeouts().call())).as("CRIU kills the dumped task").hasValue(128 + 9);

        RestoreOptions ro = RestoreOptions.builder().imagesDir(images).workDir(guest.workDir()).build();
        CriuResult restore = criu.restore(ro).orThrow();
        assertThat(restore.log()).contains("Restore finished successfully");
        int pid = criu.restoredPid(ro).orElseThrow();
        assertThat(pid).as("CRIU restores the same pid").isEqualTo(p.pid());

        GuestProcess restored = new GuestProcess(guest.agent(), pid);
        assertThat(guest.run("cat", "/proc/" + pid + "/cmdline").stdout()).startsWith("sleep");
        restored.kill(15);
        assertThat(restored.waitFor(guest.timeouts().call())).as("the agent reaps the detached tree").hasValue(128 + 15);
        assertThat(guest.criuLogs()).extracting(l -> l.name()).containsExactly("dump-1.log", "restore-1.log");
    }

    @Test
    void preDumpThenDumpAgainstIt(Guest guest) {
        GuestProcess p = guest.spawn("sleep", "1000");
        Criu criu = guest.criu();
        String pre = guest.workDir() + "/pre";
        String fin = guest.workDir() + "/final";
        CriuResult preDump = criu.preDump(DumpOptions.builder().pid(p.pid()).imagesDir(pre).workDir(guest.workDir())
                .logFile("pre-dump.log").trackMem(true).build()).orThrow();
        assertThat(preDump.command()).contains("pre-dump", "--track-mem");
        assertThat(p.waitFor(java.time.Duration.ofMillis(100))).as("a pre-dump leaves the task running").isEmpty();

        criu.dump(DumpOptions.builder().pid(p.pid()).imagesDir(fin).workDir(guest.workDir()).trackMem(true)
                .prevImagesDir("../pre").build()).orThrow();
        RestoreOptions ro = RestoreOptions.builder().imagesDir(fin).workDir(guest.workDir()).build();
        criu.restore(ro).orThrow();
        GuestProcess restored = new GuestProcess(guest.agent(), criu.restoredPid(ro).orElseThrow());
        restored.kill(9);
        assertThat(restored.waitFor(guest.timeouts().call())).hasValue(128 + 9);
        assertThat(guest.criuLogs()).extracting(l -> l.name()).containsExactly("pre-dump-1.log", "dump-1.log", "restore-1.log");
    }
}
