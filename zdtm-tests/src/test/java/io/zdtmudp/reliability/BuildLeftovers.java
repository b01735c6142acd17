package io.zdtmudp.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What one build's test JVMs left behind: QEMU processes still running and QEMU run dirs
 * ({@code /tmp/zdtm-<jvm pid>-<n>}, {@code ...-probe}) still on disk. A QEMU is this build's when its
 * command line names one of the build's run dirs or the module's share dir.
 */
record BuildLeftovers(List<String> qemus, List<Path> runDirs) {
    private static final Pattern RUN_DIR = Pattern.compile("zdtm-(\\d+)-\\d+(-probe)?");

    /** A process as {@code ps} would show it. */
    record Proc(long pid, String commandLine) {
        /** argv as the kernel has it: ProcessHandle shows the executable instead of an argv[0] that differs. */
        static Proc of(ProcessHandle p) {
            try {
                byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
                return new Proc(p.pid(), new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip());
            } catch (IOException e) {
                return new Proc(p.pid(), p.info().commandLine().orElse(""));
            }
        }
    }

    boolean none() {
        return qemus.isEmpty() && runDirs.isEmpty();
    }

    /** The test JVMs {@link ForkRecorder} noted for the Maven process {@code buildPid}. */
    static Set<Long> forksOf(Path forksDir, long buildPid) {
        if (!Files.isDirectory(forksDir)) {
            return Set.of();
        }
        try (Stream<Path> records = Files.list(forksDir)) {
            return records.filter(r -> recordedBuild(r) == buildPid)
                    .map(r -> Long.parseLong(r.getFileName().toString()))
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + forksDir, e);
        }
    }

    private static long recordedBuild(Path record) {
        try {
            if (!record.getFileName().toString().matches("\\d+")) {
                return -1;
            }
            return Long.parseLong(Files.readString(record, StandardCharsets.UTF_8).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    static BuildLeftovers find(Path tmp, Set<Long> forks, Path shareDir, Collection<Proc> processes) {
        List<Path> dirs;
        try (Stream<Path> entries = Files.list(tmp)) {
            dirs = entries.filter(Files::isDirectory).filter(d -> ofFork(d, forks)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + tmp, e);
        }
        List<String> qemus = processes.stream()
                .filter(p -> p.commandLine().contains("qemu-system"))
                .filter(p -> p.commandLine().contains(shareDir.toString())
                        || forks.stream().anyMatch(f -> p.commandLine().contains(tmp.resolve("zdtm-" + f + "-").toString())))
                .map(p -> p.pid() + " " + p.commandLine())
                .toList();
        return new BuildLeftovers(qemus, dirs);
    }

    private static boolean ofFork(Path dir, Set<Long> forks) {
        Matcher m = RUN_DIR.matcher(dir.getFileName().toString());
        return m.matches() && forks.contains(Long.parseLong(m.group(1)));
    }
}
