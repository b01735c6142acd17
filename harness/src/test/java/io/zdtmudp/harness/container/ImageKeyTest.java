package io.zdtmudp.harness.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageKeyTest {
    private static final String DOCKERFILE = "FROM scratch\nCOPY rootfs/ /\n";

    @TempDir
    Path dir;
    Path qemu;
    Path lib;

    @BeforeEach
    void files() throws IOException {
        qemu = Files.writeString(dir.resolve("qemu"), "qemu bytes");
        Files.setPosixFilePermissions(qemu, PosixFilePermissions.fromString("rwxr-xr-x"));
        lib = Files.writeString(dir.resolve("libz.so.1"), "libz bytes");
    }

    private RootfsRecipe recipe(String qemuPath, String libPath) {
        TreeMap<String, Path> files = new TreeMap<>();
        files.put(qemuPath, qemu);
        files.put(libPath, lib);
        return new RootfsRecipe(files);
    }

    private ImageKey key() {
        return ImageKey.of(recipe("/usr/bin/qemu", "/lib/libz.so.1"), DOCKERFILE);
    }

    @Test
    void sameInputsSameTag() {
        assertThat(key()).isEqualTo(key());
        assertThat(key().imageName()).matches("zdtm-udp/qemu:[0-9a-f]{16}");
    }

    @Test
    void changedBytesChangeTheTag() throws IOException {
        ImageKey before = key();
        Files.writeString(lib, "libz bytes, patched");
        assertThat(key()).isNotEqualTo(before);
    }

    @Test
    void aFileMovedInTheImageChangesTheTag() {
        assertThat(ImageKey.of(recipe("/usr/bin/qemu", "/usr/lib/libz.so.1"), DOCKERFILE)).isNotEqualTo(key());
    }

    @Test
    void losingTheExecBitChangesTheTag() throws IOException {
        ImageKey before = key();
        Files.setPosixFilePermissions(qemu, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(key()).isNotEqualTo(before);
    }

    @Test
    void aDockerfileChangeChangesTheTag() {
        assertThat(ImageKey.of(recipe("/usr/bin/qemu", "/lib/libz.so.1"), DOCKERFILE + "LABEL x=y\n")).isNotEqualTo(key());
    }

    @Test
    void fieldBoundariesCannotBeShifted() throws IOException {
        // "/a" + "b..." and "/ab" + "..." must not hash alike: every field is length-prefixed
        Files.writeString(qemu, "b");
        ImageKey one = ImageKey.of(new RootfsRecipe(new TreeMap<>(java.util.Map.of("/a", qemu))), DOCKERFILE);
        ImageKey two = ImageKey.of(new RootfsRecipe(new TreeMap<>(java.util.Map.of("/ab", qemu))), DOCKERFILE);
        assertThat(one).isNotEqualTo(two);
    }

    @Test
    void theShippedDockerfileBuildsFromScratchOnly() {
        String dockerfile = QemuImage.dockerfile();
        assertThat(dockerfile.lines().filter(l -> l.startsWith("FROM"))).containsExactly("FROM scratch");
    }
}
