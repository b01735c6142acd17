package io.zdtmudp.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The checkout the tests run in, for checks of what its files promise each other. */
final class RepositoryTree {
    static final Path ROOT = root();

    private RepositoryTree() {
    }

    private static Path root() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("docs/REFERENCE.md")) && Files.isDirectory(d.resolve("harness"))) {
                return d;
            }
        }
        throw new IllegalStateException("no repository with docs/REFERENCE.md above " + Path.of("").toAbsolutePath());
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files under {@code dir} whose names end with {@code suffix}, build output left out. */
    static List<Path> files(String dir, String suffix) {
        try (Stream<Path> s = Files.walk(ROOT.resolve(dir))) {
            return s.filter(p -> p.toString().endsWith(suffix) && !p.toString().contains("/target/")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every Java source of the harness and of the suite, main and test. */
    static List<Path> javaSources() {
        return Stream.of(files("harness/src", ".java"), files("zdtm-tests/src", ".java")).flatMap(List::stream).toList();
    }
}
