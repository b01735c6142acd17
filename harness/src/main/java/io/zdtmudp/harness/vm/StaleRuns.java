package io.zdtmudp.harness.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Cleans up after JVMs that died without running their shutdown hook (e.g. a fork killed by
 * surefire): their run dirs are {@code zdtm-<jvm pid>-<n>}, and a QEMU still running from one is
 * killed, but only when its pidfile names a live process whose command line holds that run dir.
 */
public final class StaleRuns {
    private static final Pattern RUN_DIR = Pattern.compile("zdtm-(\\d+)-\\d+");

    private StaleRuns() {}

    /** Returns the QEMU pids it killed. */
    public static List<Long> reap(Path parent) {
        List<Long> killed = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(parent)) {
            for (Path dir : dirs.toList()) {
                Matcher m = RUN_DIR.matcher(dir.getFileName().toString());
                if (!m.matches() || !Files.isDirectory(dir) || jvmAlive(Long.parseLong(m.group(1)))) {
                    continue;
                }
                staleQemu(dir).ifPresent(p -> {
                    p.destroyForcibly();
                    killed.add(p.pid());
                });
                deleteTree(dir);
            }
        } catch (IOException e) {
            // nothing to reap
        }
        return killed;
    }

    private static boolean jvmAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static Optional<ProcessHandle> staleQemu(Path dir) {
        Path pidFile = dir.resolve(VmConfig.PID_FILE);
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().commandLine().orElse("").contains(dir.toString()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
