package io.zdtmudp.harness.cycle;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class GuestProgramTest {
    private static final int PT_LOAD = 1;
    private static final int PT_INTERP = 3;

    /** The ELF64 header and program headers of the given types, as gcc and ld lay them out. */
    private static byte[] elf(int... types) {
        ByteBuffer b = ByteBuffer.allocate(64 + 56 * types.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x464c457f).put(4, (byte) 2).put(5, (byte) 1);
        b.putLong(32, 64).putShort(54, (short) 56).putShort(56, (short) types.length);
        for (int i = 0; i < types.length; i++) {
            b.putInt(64 + 56 * i, types[i]);
        }
        return b.array();
    }

    @Test
    void aStaticProgramIsTaken() {
        assertThatCode(() -> GuestProgram.requireStatic("mine", elf(PT_LOAD, PT_LOAD))).doesNotThrowAnyException();
    }

    @Test
    void aDynamicProgramIsRefusedNamingTheWaysOut() {
        assertThatThrownBy(() -> GuestProgram.requireStatic("mine", elf(PT_LOAD, PT_INTERP, PT_LOAD)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mine is dynamically linked")
                .hasMessageContaining("gcc -static")
                .hasMessageContaining("programs.list");
    }

    @Test
    void aScriptOrAShortFileIsNotAProgram() {
        assertThatThrownBy(() -> GuestProgram.requireStatic("run.sh", "#!/bin/sh\necho hi\n".getBytes()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a 64-bit ELF");
    }

    @Test
    void programHeadersPastTheEndAreAnError() {
        byte[] cut = elf(PT_LOAD);
        ByteBuffer.wrap(cut).order(ByteOrder.LITTLE_ENDIAN).putShort(56, (short) 3);
        assertThatThrownBy(() -> GuestProgram.requireStatic("mine", cut))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cut short");
    }
}
