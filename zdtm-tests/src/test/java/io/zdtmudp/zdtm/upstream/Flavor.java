package io.zdtmudp.zdtm.upstream;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * zdtm's flavors: where the test runs relative to CRIU.
 * <ul>
 * <li>{@code h}: in CRIU's own namespaces;</li>
 * <li>{@code ns}: in new pid, net, mount, uts and ipc namespaces, CRIU dumps the tree whose root is the
 * namespaces' init (started by zdtm's lib when {@code ZDTM_NEWNS=1}) and the test sees its own root;</li>
 * <li>{@code uns}: as {@code ns}, plus a user namespace.</li>
 * </ul>
 */
enum Flavor {
    H("h"), NS("ns"), UNS("uns");

    private final String code;

    Flavor(String code) {
        this.code = code;
    }

    String code() {
        return code;
    }

    /** The test gets its own namespaces (and its own root, and a /dev CRIU treats as external). */
    boolean namespaced() {
        return this != H;
    }

    boolean userns() {
        return this == UNS;
    }

    static Flavor fromCode(String code) {
        for (Flavor f : values()) {
            if (f.code.equals(code.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown zdtm flavor '" + code + "' (known: h, ns, uns)");
    }

    /** Parses a comma- or blank-separated list such as {@code -Dzdtm.flavors=h,ns}, keeping zdtm's order. */
    static Set<Flavor> parseList(String list) {
        Set<Flavor> set = Arrays.stream(list.split("[,\\s]+")).filter(s -> !s.isBlank()).map(Flavor::fromCode)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Flavor.class)));
        if (set.isEmpty()) {
            throw new IllegalArgumentException("no flavor in '" + list + "'");
        }
        return set;
    }

    @Override
    public String toString() {
        return code;
    }
}
