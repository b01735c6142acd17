package io.zdtmudp.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.reliability.BuildLeftovers.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildLeftoversTest {
    @TempDir
    Path dir;

    @Test
    void findsOnlyThisBuildsQemusAndRunDirs() throws IOException {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        for (String d : List.of("zdtm-100-1", "zdtm-100-2-probe", "zdtm-1000-1", "zdtm-200-1", "zdtm-100-x")) {
            Files.createDirectories(tmp.resolve(d));
        }
        Files.writeString(tmp.resolve("zdtm-100-3"), "a file, not a run dir");
        Path share = dir.resolve("module/target/zdtm-share");
        List<Proc> procs = List.of(
                new Proc(1, "qemu-system-x86_64 -pidfile " + tmp + "/zdtm-100-1/qemu.pid"),
                new Proc(2, "qemu-system-x86_64 -pidfile " + tmp + "/zdtm-1000-1/qemu.pid"),
                new Proc(3, "qemu-system-x86_64 -virtfs local,path=" + share + "/vm4,mount_tag=zdtm"),
                new Proc(4, "tail -f " + tmp + "/zdtm-100-1/console.log"),
                new Proc(5, ""));

        BuildLeftovers found = BuildLeftovers.find(tmp, Set.of(100L), share, procs);

        assertThat(found.runDirs()).containsExactly(tmp.resolve("zdtm-100-1"), tmp.resolve("zdtm-100-2-probe"));
        assertThat(found.qemus()).hasSize(2).anyMatch(q -> q.startsWith("1 ")).anyMatch(q -> q.startsWith("3 "));
        assertThat(found.none()).isFalse();
        assertThat(BuildLeftovers.find(tmp, Set.of(300L), dir.resolve("elsewhere"), procs).none()).isTrue();
    }

    @Test
    void forksAreThoseRecordedUnderTheSameBuild() throws IOException {
        Path forks = Files.createDirectories(dir.resolve("zdtm-forks"));
        Files.writeString(forks.resolve("11"), "7");
        Files.writeString(forks.resolve("12"), "7\n");
        Files.writeString(forks.resolve("13"), "8");
        Files.writeString(forks.resolve("junk"), "7");
        Files.writeString(forks.resolve("14"), "not a pid");

        assertThat(BuildLeftovers.forksOf(forks, 7)).containsExactly(11L, 12L);
        assertThat(BuildLeftovers.forksOf(dir.resolve("absent"), 7)).isEmpty();
    }

    @Test
    void theBuildOfThisJvmIsAnAncestor() {
        long build = ForkRecorder.buildPid(ProcessHandle.current());
        assertThat(ProcessHandle.current().parent()).isPresent();
        assertThat(build).isPositive();
    }
}
