package io.zdtmudp.zdtm.upstream;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The guest's {@code /opt/zdtm/upstream/manifest.tsv}, written by vm-images/zdtm/build.sh: which tests were
 * built and the arguments upstream's Makefile starts each with, besides --pidfile and --outfile.
 */
final class Manifest {
    static final String GUEST_DIR = "/opt/zdtm/upstream";
    static final String GUEST_PATH = GUEST_DIR + "/manifest.tsv";

    private final Map<String, List<String>> args;

    private Manifest(Map<String, List<String>> args) {
        this.args = args;
    }

    static Manifest parse(String text) {
        Map<String, List<String>> args = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int tab = line.indexOf('\t');
            String name = tab < 0 ? line.strip() : line.substring(0, tab).strip();
            String rest = tab < 0 ? "" : line.substring(tab + 1).strip();
            args.put(name, rest.isEmpty() ? List.of() : Arrays.asList(rest.split("\\s+")));
        }
        return new Manifest(Map.copyOf(args));
    }

    /** The extra arguments of a built test, or empty when the guest image does not carry it. */
    Optional<List<String>> extraArgs(String name) {
        return Optional.ofNullable(args.get(name));
    }

    int size() {
        return args.size();
    }
}
