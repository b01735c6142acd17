package io.zdtmudp.harness.guest;

import io.zdtmudp.harness.criu.CriuLog;
import io.zdtmudp.harness.vm.Vm;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/** The directory a failed test's artifacts go to, and the files written there so far. */
public final class FailureArtifacts {
    static final int CONSOLE_ARTIFACT_LINES = 3000;

    private final Path dir;
    private final Guest guest;
    private final Throwable failure;
    private final List<Path> written = new ArrayList<>();

    FailureArtifacts(Path dir, Guest guest, Throwable failure) {
        this.dir = dir;
        this.guest = guest;
        this.failure = failure;
    }

    /**
     * Writes what explains a failed test to {@code dir}: the failure, the kernel's problems, the console tail,
     * the CRIU logs, the guest kernel and dmesg (while the guest lives), the test's attachments, what the
     * {@link FailureArtifactContributor}s add, and artifact-notes.txt naming whatever of these could not be had.
     *
     * @param vm the test's VM, also when no guest was opened on it; null when none started
     * @param guest the test's guest handle; null when it never came up
     * @param failure what failed the test or its setup; null when only the kernel complained
     * @param kernelProblems the lines of the guest kernel's log (and taint) that fail the test
     * @param healthError why the kernel health check itself failed; null when it ran
     * @param kernelRelease the guest kernel's release, asked for only while the guest lives
     */
    public static FailureArtifacts collect(Path dir, Vm vm, Guest guest, Throwable failure, List<String> kernelProblems,
            String healthError, Supplier<String> kernelRelease) {
        FailureArtifacts a = new FailureArtifacts(dir, guest, failure);
        List<String> notes = new ArrayList<>();
        if (failure != null) {
            StringWriter sw = new StringWriter();
            failure.printStackTrace(new PrintWriter(sw));
            a.add("failure.txt", sw.toString());
        }
        if (!kernelProblems.isEmpty()) {
            a.add("kernel-problems.txt", String.join("\n", kernelProblems) + "\n");
        }
        if (healthError != null) {
            notes.add(healthError);
        }
        if (vm != null) {
            attempt(notes, "console", () -> a.add("console.log", vm.consoleTail(CONSOLE_ARTIFACT_LINES) + "\n"));
        } else if (failure != null) {
            notes.add("no VM: " + failure.getMessage());
        }
        if (guest != null) {
            for (CriuLog log : guest.criuLogs()) {
                attempt(notes, log.name(), () -> a.add("criu-" + log.name(), log.text()));
            }
            if (guest.vm().isAlive()) {
                attempt(notes, "kernel", () -> a.add("guest-kernel.txt", kernelRelease.get() + "\n"));
                attempt(notes, "dmesg", () -> a.add("dmesg.txt", guest.dmesgSinceOpen()));
            } else {
                notes.add("guest gone: no dmesg (see console.log)");
            }
            for (Map.Entry<String, Guest.Attachment> e : guest.attachments().entrySet()) {
                attempt(notes, e.getKey(), () -> {
                    if (e.getValue() instanceof Guest.FileAttachment f) {
                        a.copy(e.getKey(), f.file());
                    } else if (e.getValue() instanceof Guest.BytesAttachment b) {
                        a.add(e.getKey(), b.data());
                    }
                });
            }
        }
        for (FailureArtifactContributor c : ServiceLoader.load(FailureArtifactContributor.class)) {
            attempt(notes, c.getClass().getName(), () -> c.contribute(a));
        }
        if (!notes.isEmpty()) {
            a.add("artifact-notes.txt", String.join("\n", notes) + "\n");
        }
        return a;
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** One artifact failing must not lose the others: note it and go on. */
    private static void attempt(List<String> notes, String what, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            notes.add(what + ": " + e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The test's guest handle; null when the guest never came up. */
    public Optional<Guest> guest() {
        return Optional.ofNullable(guest);
    }

    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public Path add(String name, byte[] data) {
        try {
            Files.createDirectories(dir);
            Path p = dir.resolve(ArtifactPaths.safe(name));
            Files.write(p, data);
            written.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("writing artifact " + name, e);
        }
    }

    public Path add(String name, String text) {
        return add(name, text.getBytes(StandardCharsets.UTF_8));
    }

    public Path copy(String name, Path file) {
        try {
            Files.createDirectories(dir);
            Path p = dir.resolve(ArtifactPaths.safe(name));
            Files.copy(file, p, StandardCopyOption.REPLACE_EXISTING);
            written.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("copying artifact " + file, e);
        }
    }

    public List<Path> written() {
        return List.copyOf(written);
    }
}
