package io.zdtmudp.zdtm.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A list of upstream tests to run ({@code src/test/resources/zdtm/<name>.list}). Syntax: one test per
 * line, {@code #} comments at the start of a line, then optional modifiers: {@code !flag} drops a .desc flag
 * and {@code xfail=<reason>} (a reason may be double-quoted) marks a refused dump as an expected failure.
 */
record SelectionList(String name, List<ListEntry> entries) {
    SelectionList {
        entries = List.copyOf(entries);
    }

    static SelectionList load(String name) {
        String resource = "/zdtm/" + name + ".list";
        try (InputStream in = SelectionList.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no selection list " + resource + " on the test classpath");
            }
            return parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    static SelectionList parse(String listName, String text) {
        List<ListEntry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = listName + ".list:" + (i + 1);
            try {
                ListEntry entry = parseLine(line);
                if (!seen.add(entry.name())) {
                    throw new IllegalArgumentException(entry.name() + " is listed twice");
                }
                entries.add(entry);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return new SelectionList(listName, entries);
    }

    private static ListEntry parseLine(String line) {
        List<String> tokens = tokens(line);
        Set<String> dropped = new LinkedHashSet<>();
        Optional<String> xfail = Optional.empty();
        Optional<String> needs = Optional.empty();
        for (String t : tokens.subList(1, tokens.size())) {
            if (t.startsWith("!") && t.length() > 1) {
                dropped.add(t.substring(1));
            } else if (t.startsWith("xfail=") && t.length() > "xfail=".length()) {
                xfail = Optional.of(t.substring("xfail=".length()));
            } else if (t.startsWith("needs=/") && t.length() > "needs=/".length()) {
                needs = Optional.of(t.substring("needs=".length()));
            } else {
                throw new IllegalArgumentException("unknown modifier '" + t + "'");
            }
        }
        return new ListEntry(tokens.get(0), dropped, xfail, needs);
    }

    /** Splits on blanks; a double-quoted part keeps its blanks and loses its quotes. */
    static List<String> tokens(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                if (cur == null) {
                    cur = new StringBuilder();
                }
            } else if (Character.isWhitespace(c) && !quoted) {
                if (cur != null) {
                    out.add(cur.toString());
                    cur = null;
                }
            } else {
                if (cur == null) {
                    cur = new StringBuilder();
                }
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote");
        }
        if (cur != null) {
            out.add(cur.toString());
        }
        return out;
    }
}
