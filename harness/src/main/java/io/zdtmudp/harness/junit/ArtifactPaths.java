package io.zdtmudp.harness.junit;

import java.nio.file.Path;

/** Where a test's failure artifacts go: target/zdtm-artifacts/<class>/<method>/. */
final class ArtifactPaths {
    private ArtifactPaths() {}

    static Path forTest(Path root, String className, String displayOrMethod) {
        return root.resolve(safe(className)).resolve(safe(displayOrMethod));
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
