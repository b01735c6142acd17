package io.zdtmudp.zdtm.upstream;

import java.util.Optional;
import java.util.Set;

/**
 * One line of a selection list.
 *
 * @param name         the test, relative to CRIU's test/zdtm/ (e.g. {@code static/socket_udp})
 * @param droppedFlags .desc flags this project overrides ({@code !crfail})
 * @param xfail        why a refused dump is, for now, an expected failure ({@code xfail="..."})
 * @param needs        a guest path the test needs, without which it is skipped ({@code needs=/proc/net/udplite})
 */
record ListEntry(String name, Set<String> droppedFlags, Optional<String> xfail, Optional<String> needs) {
    ListEntry(String name, Set<String> droppedFlags, Optional<String> xfail) {
        this(name, droppedFlags, xfail, Optional.empty());
    }

    ListEntry {
        droppedFlags = Set.copyOf(droppedFlags);
        if (!name.matches("static/[A-Za-z0-9_+.-]+")) {
            throw new IllegalArgumentException("not a zdtm static test name: '" + name + "'");
        }
    }

    /** The name zdtm.py prints and our reports use: {@code zdtm/static/socket_udp}. */
    String zdtmName() {
        return "zdtm/" + name;
    }

    /** The test's file name: {@code socket_udp}. */
    String baseName() {
        return name.substring(name.indexOf('/') + 1);
    }

    /** The test's .desc as this project runs it. */
    ZdtmDesc effective(ZdtmDesc upstream) {
        return droppedFlags.isEmpty() ? upstream : upstream.withoutFlags(droppedFlags);
    }
}
