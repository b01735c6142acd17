package io.zdtmudp.harness.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LddOutputTest {
    @Test
    void listsLibrariesAndTheLoaderButNotTheVdso() {
        String ldd = """
                \tlinux-vdso.so.1 (0x00007ffc8a5f2000)
                \tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007f2b1c2a0000)
                \tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f2b1bebf000)
                \t/lib64/ld-linux-x86-64.so.2 (0x00007f2b1d1c4000)
                """;
        assertThat(LddOutput.libraries("qemu", ldd)).containsExactly(
                Path.of("/lib/x86_64-linux-gnu/libz.so.1"), Path.of("/lib/x86_64-linux-gnu/libc.so.6"),
                Path.of("/lib64/ld-linux-x86-64.so.2"));
    }

    @Test
    void aStaticBinaryNeedsNothing() {
        assertThat(LddOutput.libraries("busybox", "\tstatically linked\n")).isEmpty();
    }

    @Test
    void aMissingLibraryIsAnErrorNamingIt() {
        assertThatThrownBy(() -> LddOutput.libraries("qemu", "\tlibspice.so.1 => not found\n"))
                .hasMessageContaining("qemu needs libspice.so.1");
    }

    @Test
    void anUnreadableLineIsAnError() {
        assertThatThrownBy(() -> LddOutput.libraries("qemu", "\tsomething odd\n"))
                .hasMessageContaining("unexpected ldd line");
    }
}
