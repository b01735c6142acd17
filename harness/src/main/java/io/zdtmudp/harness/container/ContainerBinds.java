package io.zdtmudp.harness.container;

import io.zdtmudp.harness.vm.VmConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The host directories QEMU's argv names, bind-mounted at the same paths so the argv runs unchanged in the
 * container: the run dir (sockets the host listens on, console, pidfile), the kernel's and initrd's
 * directories and, since vm-images/out holds links into the cache, their link targets' directories, and
 * the 9p share.
 */
final class ContainerBinds {
    private ContainerBinds() {}

    static List<Path> of(VmConfig config) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(config.runDir());
        for (Path file : List.of(config.image().kernel(), config.image().initrd())) {
            Path abs = file.toAbsolutePath().normalize();
            dirs.add(abs.getParent());
            try {
                dirs.add(abs.toRealPath().getParent());
            } catch (IOException e) {
                // QEMU will say which file is missing; no bind can help it
            }
        }
        if (config.shareDir() != null) {
            dirs.add(config.shareDir());
        }
        return outermost(dirs);
    }

    /** Drops duplicates and directories inside another listed one: Docker refuses nothing, but the list stays short. */
    static List<Path> outermost(List<Path> dirs) {
        SortedSet<Path> sorted = new TreeSet<>();
        dirs.forEach(d -> sorted.add(d.toAbsolutePath().normalize()));
        List<Path> kept = new ArrayList<>();
        for (Path d : sorted) {
            if (kept.stream().noneMatch(d::startsWith)) {
                kept.add(d);
            }
        }
        return kept;
    }

    /** Docker creates a missing bind source as an empty root-owned dir; fail here instead, naming it. */
    static void requireExisting(List<Path> dirs) {
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                throw new IllegalStateException("cannot bind " + d + " into the QEMU container: not a directory");
            }
        }
    }
}
