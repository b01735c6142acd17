package io.zdtmudp.zdtm.upstream;

import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How the upstream tests run, from system properties.
 * <ul>
 * <li>{@code zdtm.list}: the selection list (default {@code udp}; the zdtm-wide profile sets {@code wide});</li>
 * <li>{@code zdtm.flavors}: e.g. {@code h,ns} (default {@code h,ns,uns});</li>
 * <li>{@code zdtm.iters}: dump/restore cycles per test (default 1);</li>
 * <li>{@code zdtm.pre}: pre-dumps before each dump (default 0);</li>
 * <li>{@code zdtm.xfail}: {@code strict} makes the lists' expected failures ordinary failures;</li>
 * <li>{@code zdtm.only}: a regex on the zdtm name, to run a few tests of a list.</li>
 * </ul>
 */
record RunSettings(String list, Set<Flavor> flavors, int iters, int preDumps, boolean strictXfail,
        Optional<Pattern> only) {

    RunSettings {
        flavors = Set.copyOf(flavors);
        if (iters < 1) {
            throw new IllegalArgumentException("zdtm.iters must be at least 1, not " + iters);
        }
        if (preDumps < 0) {
            throw new IllegalArgumentException("zdtm.pre must not be negative, not " + preDumps);
        }
    }

    static RunSettings from(Properties p) {
        String xfail = p.getProperty("zdtm.xfail", "lenient").strip();
        if (!xfail.equals("lenient") && !xfail.equals("strict")) {
            throw new IllegalArgumentException("zdtm.xfail must be lenient or strict, not '" + xfail + "'");
        }
        String only = p.getProperty("zdtm.only", "").strip();
        return new RunSettings(p.getProperty("zdtm.list", "udp").strip(),
                Flavor.parseList(p.getProperty("zdtm.flavors", "h,ns,uns")), intProp(p, "zdtm.iters", 1),
                intProp(p, "zdtm.pre", 0), xfail.equals("strict"),
                only.isEmpty() ? Optional.empty() : Optional.of(Pattern.compile(only)));
    }

    static RunSettings fromSystem() {
        return from(System.getProperties());
    }

    boolean selects(ListEntry e) {
        return only.map(p -> p.matcher(e.zdtmName()).find()).orElse(true);
    }

    private static int intProp(Properties p, String key, int dflt) {
        String v = p.getProperty(key, "").strip();
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, not '" + v + "'", e);
        }
    }
}
