package io.zdtmudp.harness.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestImageTest {
    @TempDir
    Path tmp;

    @Test
    void missingImageSaysRunCiSetup() {
        assertThatThrownBy(() -> GuestImage.locate(tmp.toString(), tmp)).hasMessageStartingWith("guest image not built: run ci/setup")
                .hasMessageContaining("bzImage");
    }

    @Test
    void noOutDirAboveTheWorkingDirSaysRunCiSetup() {
        assertThatThrownBy(() -> GuestImage.locate(null, tmp)).hasMessageStartingWith("guest image not built: run ci/setup");
    }

    @Test
    void findsVmImagesOutWalkingUpAndReadsTheManifest() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("vm-images/out"));
        Files.writeString(out.resolve("bzImage"), "k");
        Files.writeString(out.resolve("initramfs.cpio.gz"), "i");
        Files.writeString(out.resolve("manifest.env"), "# built\nKERNEL_HASH=abc123\nCRIU_VERSION=\"4.1.1\"\n\n");
        Path deep = Files.createDirectories(tmp.resolve("zdtm-tests/target"));
        GuestImage img = GuestImage.locate("", deep);
        assertThat(img.kernel()).isEqualTo(out.resolve("bzImage").toAbsolutePath());
        assertThat(img.manifest()).containsEntry("KERNEL_HASH", "abc123").containsEntry("CRIU_VERSION", "4.1.1");
        assertThat(img.kernelKey()).isEqualTo("abc123");
    }

    @Test
    void publishedListsOutAndEachKernelsGuestWithTheirManifests() throws IOException {
        assertThat(GuestImage.published(tmp)).as("nothing built").isEmpty();
        Path out = Files.createDirectories(tmp.resolve("vm-images/out"));
        for (String[] g : new String[][] {{"", "criu-a"}, {"6.1", "criu-b"}, {"half-built", null}}) {
            Path d = Files.createDirectories(out.resolve(g[0]));
            Files.writeString(d.resolve("bzImage"), "k");
            if (g[1] != null) {
                Files.writeString(d.resolve("initramfs.cpio.gz"), "i");
                Files.writeString(d.resolve("manifest.env"), "CRIU_DIR=/cache/" + g[1] + "\n");
            }
        }
        assertThat(GuestImage.published(tmp)).extracting(i -> i.manifest().get("CRIU_DIR"))
                .containsExactly("/cache/criu-a", "/cache/criu-b");
    }

    @Test
    void zdtmKernelPicksItsSubdirectoryOfOut() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("vm-images/out"));
        Path k61 = Files.createDirectories(out.resolve("6.1"));
        for (Path d : new Path[] {out, k61}) {
            Files.writeString(d.resolve("bzImage"), "k");
            Files.writeString(d.resolve("initramfs.cpio.gz"), "i");
        }
        Files.writeString(k61.resolve("manifest.env"), "ZDTM_KERNEL=6.1\n");
        GuestImage img = GuestImage.locate(null, "6.1", tmp);
        assertThat(img.kernel()).isEqualTo(k61.resolve("bzImage").toAbsolutePath());
        assertThat(img.manifest()).containsEntry("ZDTM_KERNEL", "6.1");
        assertThat(GuestImage.locate(null, "", tmp).kernel()).isEqualTo(out.resolve("bzImage").toAbsolutePath());
        assertThatThrownBy(() -> GuestImage.locate(null, "6.12", tmp)).hasMessageStartingWith("guest image not built: run ci/setup");
        assertThatThrownBy(() -> GuestImage.locate(null, "../x", tmp)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A path is your own kernel: vm-images/build runs with it in ZDTM_KERNEL and its out/byo/ is booted. */
    @Test
    void zdtmKernelPathBuildsItsGuestFirstAndAFailedBuildSaysWhy() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("vm-images/out"));
        Files.writeString(tmp.resolve("vm-images/build"), """
                case $ZDTM_KERNEL in *bad*) echo "  CONFIG_VIRTIO_CONSOLE (the guest needs =y, the config has m)"; exit 1 ;; esac
                mkdir -p "$(dirname "$0")/out/byo" && cd "$(dirname "$0")/out/byo" &&
                echo k > bzImage && echo i > initramfs.cpio.gz && echo "KERNEL_VERSION=$ZDTM_KERNEL" > manifest.env
                """);
        GuestImage img = GuestImage.locate(null, "/home/dev/linux", tmp);
        assertThat(img.kernel()).isEqualTo(out.resolve("byo/bzImage").toAbsolutePath());
        assertThat(img.manifest()).containsEntry("KERNEL_VERSION", "/home/dev/linux");
        assertThatThrownBy(() -> GuestImage.locate(null, "/home/dev/bad-linux", tmp))
                .hasMessageContaining("failed (exit 1)").hasMessageContaining("CONFIG_VIRTIO_CONSOLE");
    }
}
