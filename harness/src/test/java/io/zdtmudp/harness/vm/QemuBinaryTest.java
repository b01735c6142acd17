package io.zdtmudp.harness.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuBinaryTest {
    @TempDir
    Path dir;

    @Test
    void aPathThatDoesNotExistIsRefusedByName() {
        assertThatThrownBy(() -> QemuBinary.locate(dir + "/no-qemu", "/usr/bin"))
                .isInstanceOf(VmStartException.class).hasMessage("QEMU binary " + dir + "/no-qemu does not exist");
    }

    @Test
    void aFileThatIsNotExecutableIsRefused() throws Exception {
        Path f = Files.writeString(dir.resolve("qemu"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> QemuBinary.locate(f.toString(), "")).hasMessageContaining("is not an executable file");
        assertThatThrownBy(() -> QemuBinary.locate(dir.toString(), "")).as("a directory").hasMessageContaining("is not an executable file");
    }

    @Test
    void aBareNameIsLookedUpOnPath() throws Exception {
        Path f = Files.writeString(dir.resolve("qemu-x"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(QemuBinary.locate("qemu-x", "/nonexistent:" + dir)).isEqualTo(f);
        assertThatThrownBy(() -> QemuBinary.locate("qemu-y", "/nonexistent:" + dir))
                .isInstanceOf(VmStartException.class).hasMessageContaining("qemu-y not found on PATH");
    }
}
