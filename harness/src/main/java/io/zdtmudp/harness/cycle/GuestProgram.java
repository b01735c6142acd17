package io.zdtmudp.harness.cycle;

import io.zdtmudp.harness.guest.Guest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program of the test's own, put into the guest for a {@link Workload} to run: a statically linked
 * binary, or a C file that the host compiles with {@code gcc -static} first. The guest has no C library
 * to link against, so a dynamic binary is refused, naming the two ways out; a Debian-packaged program
 * belongs in {@code vm-images/guest/programs.list} instead.
 */
public final class GuestProgram {
    private static final long COMPILE_SECONDS = 120;
    private static final int PT_INTERP = 3;

    private GuestProgram() {}

    /**
     * Copies the static binary {@code binary} into the test's work dir ({@code bin/<name>}, mode 0755) and
     * returns its path in the guest.
     */
    public static String install(Guest guest, Path binary) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(binary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the program " + binary, e);
        }
        return install(guest, binary.getFileName().toString(), bytes);
    }

    /**
     * Compiles the C file {@code source} on the host ({@code gcc -static -O2 -Wall}, then {@code more}, e.g.
     * {@code -lpthread}), installs the result and returns its path in the guest; a compile error fails with
     * gcc's messages.
     */
    public static String compile(Guest guest, Path source, String... more) {
        String name = source.getFileName().toString().replaceFirst("\\.c$", "");
        try {
            Path out = Files.createTempDirectory("zdtm-program").resolve(name);
            List<String> argv = new ArrayList<>(List.of("gcc", "-static", "-O2", "-Wall", "-o", out.toString(),
                    source.toString()));
            argv.addAll(List.of(more));
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            byte[] said;
            try (InputStream in = p.getInputStream()) {
                said = in.readAllBytes();
            }
            if (!p.waitFor(COMPILE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " did not finish in " + COMPILE_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalArgumentException(String.join(" ", argv) + " failed (exit " + p.exitValue() + "):\n"
                        + new String(said, StandardCharsets.UTF_8));
            }
            String installed = install(guest, name, Files.readAllBytes(out));
            Files.delete(out);
            Files.delete(out.getParent());
            return installed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compile " + source + " (is gcc installed? ci/setup installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted compiling " + source, e);
        }
    }

    /**
     * A program from {@code owner}'s classpath resources ({@link Class#getResource} naming): a {@code .c}
     * file is compiled, anything else installed as a static binary.
     */
    public static String fromResource(Guest guest, Class<?> owner, String resource, String... gccArgs) {
        var url = owner.getResource(resource);
        if (url == null) {
            throw new IllegalArgumentException("no resource " + resource + " next to " + owner.getName());
        }
        try {
            Path copy = Files.createTempDirectory("zdtm-resource").resolve(Path.of(resource).getFileName().toString());
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy);
            }
            try {
                return resource.endsWith(".c") ? compile(guest, copy, gccArgs) : install(guest, copy);
            } finally {
                Files.delete(copy);
                Files.delete(copy.getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the resource " + resource, e);
        }
    }

    private static String install(Guest guest, String name, byte[] bytes) {
        requireStatic(name, bytes);
        String dir = guest.workDir() + "/bin";
        guest.run("mkdir", "-p", dir);
        String path = dir + "/" + name;
        guest.writeFile(path, bytes, 0755);
        return path;
    }

    /** An ELF with a program interpreter (PT_INTERP) needs the guest to have its dynamic loader and libraries. */
    static void requireStatic(String name, byte[] elf) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.length < 64 || b.getInt(0) != 0x464c457f || elf[4] != 2) {
            throw new IllegalArgumentException(name + " is not a 64-bit ELF program");
        }
        long phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xffff;
        int phnum = b.getShort(56) & 0xffff;
        for (int i = 0; i < phnum; i++) {
            long at = phoff + (long) i * phentsize;
            if (at + 4 > elf.length) {
                throw new IllegalArgumentException(name + " is cut short: program header " + i + " lies past its end");
            }
            if (b.getInt((int) at) == PT_INTERP) {
                throw new IllegalArgumentException(name + " is dynamically linked and the guest has no libraries"
                        + " for it: link it with gcc -static, or list its Debian package in vm-images/guest/programs.list");
            }
        }
    }
}
