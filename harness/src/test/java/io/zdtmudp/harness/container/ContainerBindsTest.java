package io.zdtmudp.harness.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zdtmudp.harness.vm.GuestImage;
import io.zdtmudp.harness.vm.VmConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerBindsTest {
    @TempDir
    Path tmp;

    @Test
    void bindsEveryDirectoryTheArgvNamesAndTheCacheBehindTheLinks() throws IOException {
        Path cache = Files.createDirectories(tmp.resolve("cache/kernel-1"));
        Path guestCache = Files.createDirectories(tmp.resolve("cache/guest-2"));
        Path out = Files.createDirectories(tmp.resolve("repo/vm-images/out"));
        Files.createSymbolicLink(out.resolve("bzImage"), Files.writeString(cache.resolve("bzImage"), "k"));
        Files.createSymbolicLink(out.resolve("initramfs.cpio.gz"), Files.writeString(guestCache.resolve("initramfs.cpio.gz"), "i"));
        Path share = tmp.resolve("repo/zdtm-tests/target/zdtm-share/c1");
        Path run = tmp.resolve("run");
        VmConfig config = VmConfig.builder(new GuestImage(out.resolve("bzImage"), out.resolve("initramfs.cpio.gz"), Map.of()))
                .shareDir(share).runDir(run).build();
        assertThat(ContainerBinds.of(config)).containsExactlyInAnyOrder(
                out, cache.toRealPath(), guestCache.toRealPath(), share, run);
        for (Path d : ContainerBinds.of(config)) {
            assertThat(String.join(" ", config.qemuArgv()).contains(d.toString()) || d.startsWith(tmp.toRealPath().resolve("cache")))
                    .as("%s is named by the argv or is a link target", d).isTrue();
        }
    }

    @Test
    void nestedAndRepeatedDirectoriesCollapse() {
        assertThat(ContainerBinds.outermost(List.of(Path.of("/a/b"), Path.of("/a"), Path.of("/a-b"), Path.of("/a/../a"), Path.of("/c/d"))))
                .containsExactly(Path.of("/a"), Path.of("/a-b"), Path.of("/c/d"));
    }

    @Test
    void aMissingDirectoryIsRefusedBeforeDockerCreatesIt() {
        assertThatThrownBy(() -> ContainerBinds.requireExisting(List.of(tmp.resolve("nope"))))
                .hasMessageContaining("cannot bind " + tmp.resolve("nope"));
    }
}
