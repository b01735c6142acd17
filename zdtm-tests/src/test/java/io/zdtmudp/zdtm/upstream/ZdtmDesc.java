package io.zdtmudp.zdtm.upstream;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a zdtm test's {@code .desc} says about it, with zdtm.py's defaults filled in.
 *
 * @param flavors  the flavors the test may run in ({@code flavor}; default all three)
 * @param flags    {@code flags}: crfail, noauto, suid, excl, reqrst, nouser, ...
 * @param features CRIU features the test needs ({@code criu check --feature})
 * @param opts     CRIU options for both dump and restore
 * @param dopts    CRIU options for dump only
 * @param ropts    CRIU options for restore only
 * @param arch     the only machine ({@code uname -m}) the test runs on, if any
 * @param timeout  how long the test may take to start and to stop (zdtm.py: 30 s, unscaled)
 * @param deps     programs a namespaced test needs in its root; alternatives separated by '|'
 */
record ZdtmDesc(Set<Flavor> flavors, Set<String> flags, List<String> features, List<String> opts,
        List<String> dopts, List<String> ropts, Optional<String> arch, Duration timeout, List<String> deps) {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    static final ZdtmDesc DEFAULT = fromDict(Map.of(), "<default>");

    ZdtmDesc {
        flavors = Set.copyOf(flavors);
        flags = Set.copyOf(flags);
        features = List.copyOf(features);
        opts = List.copyOf(opts);
        dopts = List.copyOf(dopts);
        ropts = List.copyOf(ropts);
        deps = List.copyOf(deps);
    }

    /** Parses a .desc file's text; blank text is the default desc. */
    static ZdtmDesc parse(String text, String source) {
        return fromDict(DescParser.parse(text, source), source);
    }

    static ZdtmDesc fromDict(Map<String, Object> dict, String source) {
        Set<Flavor> flavors = dict.containsKey("flavor")
                ? words(dict, "flavor", source).stream().map(Flavor::fromCode)
                        .collect(Collectors.toCollection(() -> EnumSet.noneOf(Flavor.class)))
                : EnumSet.allOf(Flavor.class);
        Duration timeout = dict.containsKey("timeout")
                ? Duration.ofSeconds(Long.parseLong(scalar(dict, "timeout", source)))
                : DEFAULT_TIMEOUT;
        Optional<String> arch = dict.containsKey("arch") ? Optional.of(scalar(dict, "arch", source)) : Optional.empty();
        return new ZdtmDesc(flavors, new LinkedHashSet<>(words(dict, "flags", source)), words(dict, "feature", source),
                words(dict, "opts", source), words(dict, "dopts", source), words(dict, "ropts", source), arch,
                timeout, strings(dict, "deps", source));
    }

    boolean hasFlag(String flag) {
        return flags.contains(flag);
    }

    /** The same desc without the given flags (a selection list's {@code !flag} modifier). */
    ZdtmDesc withoutFlags(Set<String> dropped) {
        Set<String> kept = new LinkedHashSet<>(flags);
        kept.removeAll(dropped);
        return new ZdtmDesc(flavors, kept, features, opts, dopts, ropts, arch, timeout, deps);
    }

    /** C/R is expected to fail (the test passes when CRIU refuses it). */
    boolean crfail() {
        return hasFlag("crfail");
    }

    /** The test keeps its root credentials instead of switching to zdtm's unprivileged ids. */
    boolean suid() {
        return hasFlag("suid");
    }

    private static String scalar(Map<String, Object> dict, String key, String source) {
        Object v = dict.get(key);
        if (v instanceof String || v instanceof Long) {
            return v.toString().trim();
        }
        throw new IllegalArgumentException(source + ": '" + key + "' must be a string, not " + v);
    }

    /** A space-separated string value, split into its words (absent: none). */
    private static List<String> words(Map<String, Object> dict, String key, String source) {
        if (!dict.containsKey(key)) {
            return List.of();
        }
        String s = scalar(dict, key, source);
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\\s+"));
    }

    private static List<String> strings(Map<String, Object> dict, String key, String source) {
        Object v = dict.get(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new IllegalArgumentException(source + ": '" + key + "' must be a list of strings, not " + v);
    }
}
