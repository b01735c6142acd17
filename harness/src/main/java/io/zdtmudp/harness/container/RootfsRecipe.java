package io.zdtmudp.harness.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the QEMU image holds, taken from the host: the emulator, the TCG accelerator module Debian builds
 * as a plugin, every library ldd names for both, and QEMU's firmware directories. Each entry maps a path in
 * the image to the host file whose bytes go there (symlinks resolved: the image holds plain files).
 */
public final class RootfsRecipe {
    /** The modules QEMU loads at run time for what the harness uses; Debian's build has TCG as a module. */
    static final List<String> MODULES = List.of("accel-tcg-x86_64.so");

    private final SortedMap<String, Path> files;

    RootfsRecipe(SortedMap<String, Path> files) {
        this.files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    }

    /** Image path (absolute) to host file. */
    public SortedMap<String, Path> files() {
        return files;
    }

    /** The recipe for the QEMU the host runs as {@code qemuBinary} (a name on PATH or a path). */
    public static RootfsRecipe forHostQemu(String qemuBinary, HostCommands host) {
        Path binary = host.which(qemuBinary);
        SortedMap<String, Path> files = new TreeMap<>();
        put(files, binary);
        List<Path> modules = modules(binary);
        modules.forEach(m -> put(files, m));
        for (Path elf : Stream.concat(Stream.of(binary), modules.stream()).toList()) {
            LddOutput.libraries(elf.toString(), host.run(List.of("ldd", elf.toString()))).forEach(l -> put(files, l));
        }
        for (Path dir : dataDirs(host.run(List.of(binary.toString(), "-L", "help")))) {
            addTree(files, dir);
        }
        return new RootfsRecipe(files);
    }

    /** QEMU's firmware search path as {@code -L help} prints it, one directory a line; missing ones are skipped. */
    static List<Path> dataDirs(String help) {
        return help.lines().map(String::strip).filter(l -> l.startsWith("/"))
                .map(l -> Path.of(l).normalize()).filter(Files::isDirectory).toList();
    }

    /** Modules sit in lib/<multiarch>/qemu or lib/qemu next to the binary's prefix; a QEMU without them has TCG built in. */
    static List<Path> modules(Path binary) {
        Path prefix = binary.toAbsolutePath().getParent().getParent();
        if (prefix == null) {
            return List.of();
        }
        List<Path> found = new java.util.ArrayList<>();
        for (String name : MODULES) {
            try (Stream<Path> libDirs = Files.isDirectory(prefix.resolve("lib")) ? Files.list(prefix.resolve("lib")) : Stream.empty()) {
                Stream.concat(Stream.of(prefix.resolve("lib")), libDirs)
                        .map(d -> d.resolve("qemu").resolve(name))
                        .filter(Files::isRegularFile)
                        .findFirst()
                        .ifPresent(found::add);
            } catch (IOException e) {
                throw new UncheckedIOException("looking for QEMU module " + name + " under " + prefix, e);
            }
        }
        return found;
    }

    /** Every file under {@code dir}, links followed; a dangling link (firmware of an uninstalled package) is left out. */
    static void addTree(SortedMap<String, Path> files, Path dir) {
        try (Stream<Path> walk = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            walk.filter(Files::isRegularFile).forEach(f -> files.put(f.toString(), realPath(f)));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + dir, e);
        }
    }

    private static void put(SortedMap<String, Path> files, Path file) {
        files.put(file.toAbsolutePath().normalize().toString(), realPath(file));
    }

    private static Path realPath(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("resolving " + file, e);
        }
    }
}
