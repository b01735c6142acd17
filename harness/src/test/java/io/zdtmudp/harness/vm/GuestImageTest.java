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
}
