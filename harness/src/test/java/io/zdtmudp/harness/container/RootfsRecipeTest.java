package io.zdtmudp.harness.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recipe over a fake /usr: which host files land where, with links resolved to plain files. */
class RootfsRecipeTest {
    @TempDir
    Path root;
    Path qemu;
    Path module;
    Path libz;
    Path loader;

    @BeforeEach
    void fakeUsr() throws IOException {
        qemu = write("usr/bin/qemu-system-x86_64", "qemu");
        module = write("usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so", "tcg");
        write("usr/lib/x86_64-linux-gnu/qemu/ui-gtk.so", "gtk: not needed");
        libz = write("lib/x86_64-linux-gnu/libz.so.1.2.13", "libz");
        Files.createSymbolicLink(root.resolve("lib/x86_64-linux-gnu/libz.so.1"), libz.getFileName());
        loader = write("lib64/ld-linux-x86-64.so.2", "ld.so");
        write("usr/share/qemu/kvmvapic.bin", "vapic");
        Path bios = write("usr/share/seabios/bios-256k.bin", "seabios");
        Files.createSymbolicLink(root.resolve("usr/share/qemu/bios-256k.bin"), bios);
        Files.createSymbolicLink(root.resolve("usr/share/qemu/OVMF.fd"), root.resolve("usr/share/ovmf/OVMF.fd"));
    }

    private Path write(String path, String text) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    private HostCommands fakeHost() {
        return new HostCommands() {
            @Override
            public String run(List<String> argv) {
                if (argv.get(0).equals("ldd")) {
                    return "\tlinux-vdso.so.1 (0x1)\n\tlibz.so.1 => " + root.resolve("lib/x86_64-linux-gnu/libz.so.1")
                            + " (0x2)\n\t" + loader + " (0x3)\n";
                }
                if (argv.equals(List.of(qemu.toString(), "-L", "help"))) {
                    return root + "/usr/bin/../share/qemu\n" + root + "/usr/bin/../share/seabios\n" + root + "/usr/bin/../lib/ipxe/qemu\n";
                }
                throw new AssertionError("unexpected host command " + argv);
            }

            @Override
            public Path which(String program) {
                assertThat(program).isEqualTo("qemu-system-x86_64");
                return qemu;
            }
        };
    }

    @Test
    void takesQemuItsTcgModuleItsLibrariesAndItsFirmware() throws IOException {
        Map<String, Path> files = RootfsRecipe.forHostQemu("qemu-system-x86_64", fakeHost()).files();
        String r = root.toRealPath().toString();
        assertThat(files).containsOnly(
                entry(qemu.toString(), qemu.toRealPath()),
                entry(module.toString(), module.toRealPath()),
                entry(root + "/lib/x86_64-linux-gnu/libz.so.1", libz.toRealPath()),
                entry(loader.toString(), loader.toRealPath()),
                entry(root + "/usr/share/qemu/kvmvapic.bin", Path.of(r, "usr/share/qemu/kvmvapic.bin")),
                entry(root + "/usr/share/qemu/bios-256k.bin", Path.of(r, "usr/share/seabios/bios-256k.bin")),
                entry(root + "/usr/share/seabios/bios-256k.bin", Path.of(r, "usr/share/seabios/bios-256k.bin")));
    }

    @Test
    void dataDirsAreNormalizedAndMissingOnesSkipped() {
        assertThat(RootfsRecipe.dataDirs(root + "/usr/bin/../share/qemu\n" + root + "/usr/bin/../lib/ipxe/qemu\n"))
                .containsExactly(root.resolve("usr/share/qemu"));
    }

    @Test
    void aQemuWithoutModulesNeedsNone() throws IOException {
        Path other = write("opt/q/bin/qemu-system-x86_64", "static qemu");
        assertThat(RootfsRecipe.modules(other)).isEmpty();
        assertThat(RootfsRecipe.modules(qemu)).containsExactly(module);
    }

    @Test
    void aDanglingFirmwareLinkIsLeftOut() {
        TreeMap<String, Path> files = new TreeMap<>();
        RootfsRecipe.addTree(files, root.resolve("usr/share/qemu"));
        assertThat(files).doesNotContainKey(root + "/usr/share/qemu/OVMF.fd").hasSize(2);
    }
}
