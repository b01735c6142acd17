package io.zdtmudp.harness.guest;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Where a test's failure artifacts go: target/zdtm-artifacts/<class>/[<container>/]<method>/. */
public final class ArtifactPaths {
    /** The root of every test's artifacts dir (default: target/zdtm-artifacts under the working dir). */
    public static final String PROPERTY = "zdtm.artifacts";

    private ArtifactPaths() {}

    /**
     * @param parameters JUnit configuration parameters (which include system properties)
     */
    public static Path root(Function<String, Optional<String>> parameters) {
        return parameters.apply(PROPERTY).map(Path::of)
                .orElse(Path.of(System.getProperty("user.dir"), "target", "zdtm-artifacts"));
    }

    static Path forTest(Path root, String className, String displayOrMethod) {
        return forTest(root, className, List.of(), displayOrMethod);
    }

    /** With the named containers between class and test, e.g. a parameterized class's invocation. */
    public static Path forTest(Path root, String className, List<String> containers, String displayOrMethod) {
        Path dir = root.resolve(safe(className));
        for (String c : containers) {
            dir = dir.resolve(safe(c));
        }
        return dir.resolve(safe(displayOrMethod));
    }

    /** A file name safe on any filesystem, readable, at most 120 characters. */
    static String safe(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._=+$-]+", "_").replaceAll("^[._]+", "");
        if (s.isEmpty()) {
            s = "_";
        }
        return s.length() > 120 ? s.substring(0, 120) : s;
    }
}
