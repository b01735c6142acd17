package io.zdtmudp.harness.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The directory a failed test's artifacts go to, and the files written there so far. */
public final class FailureArtifacts {
    private final Path dir;
    private final Guest guest;
    private final Throwable failure;
    private final List<Path> written = new ArrayList<>();

    FailureArtifacts(Path dir, Guest guest, Throwable failure) {
        this.dir = dir;
        this.guest = guest;
        this.failure = failure;
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
