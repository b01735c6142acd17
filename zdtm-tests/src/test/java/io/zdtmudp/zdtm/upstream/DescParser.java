package io.zdtmudp.zdtm.upstream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a zdtm {@code .desc} file. zdtm.py {@code eval()}s them, so they are Python literals; in practice a
 * dict whose values are strings, lists of strings or numbers, with {@code #} comments. This parser accepts
 * exactly that subset and rejects anything else with the position, rather than guessing.
 */
final class DescParser {
    private final String text;
    private final String source;
    private int pos;

    private DescParser(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /** Parses {@code text}; blank text is the empty dict, as zdtm.py treats an empty file. */
    static Map<String, Object> parse(String text, String source) {
        DescParser p = new DescParser(text, source);
        p.skipBlank();
        if (p.atEnd()) {
            return Map.of();
        }
        Object value = p.value();
        p.skipBlank();
        if (!p.atEnd()) {
            throw p.error("unexpected text after the dict");
        }
        if (!(value instanceof Map)) {
            throw p.error("a .desc must be a dict");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> dict = (Map<String, Object>) value;
        return dict;
    }

    private Object value() {
        skipBlank();
        if (atEnd()) {
            throw error("a value is missing");
        }
        char c = text.charAt(pos);
        if (c == '{') {
            return dict();
        }
        if (c == '[' || c == '(') {
            return list(c == '[' ? ']' : ')');
        }
        if (c == '\'' || c == '"') {
            return strings();
        }
        if (c == '-' || Character.isDigit(c)) {
            return number();
        }
        throw error("unsupported value starting with '" + c + "'");
    }

    private Map<String, Object> dict() {
        expect('{');
        Map<String, Object> map = new LinkedHashMap<>();
        while (true) {
            skipBlank();
            if (peek('}')) {
                pos++;
                return map;
            }
            Object key = value();
            if (!(key instanceof String)) {
                throw error("dict keys must be strings");
            }
            skipBlank();
            expect(':');
            map.put((String) key, value());
            skipBlank();
            if (peek(',')) {
                pos++;
            } else if (!peek('}')) {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> list(char close) {
        pos++;
        List<Object> items = new ArrayList<>();
        while (true) {
            skipBlank();
            if (peek(close)) {
                pos++;
                return List.copyOf(items);
            }
            items.add(value());
            skipBlank();
            if (peek(',')) {
                pos++;
            } else if (!peek(close)) {
                throw error("expected ',' or '" + close + "'");
            }
        }
    }

    /** One string literal, or several adjacent ones, which Python concatenates. */
    private String strings() {
        StringBuilder sb = new StringBuilder();
        do {
            sb.append(string());
            skipBlank();
        } while (!atEnd() && (peek('\'') || peek('"')));
        return sb.toString();
    }

    private String string() {
        char quote = text.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (atEnd()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c == '\n') {
                throw error("newline inside a string");
            }
            if (c == '\\') {
                if (atEnd()) {
                    throw error("unterminated string");
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case '\\', '\'', '"' -> sb.append(e);
                    default -> sb.append('\\').append(e);
                }
            } else {
                sb.append(c);
            }
        }
    }

    private Long number() {
        int start = pos;
        if (peek('-')) {
            pos++;
        }
        while (!atEnd() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        try {
            return Long.parseLong(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error("bad number");
        }
    }

    private void skipBlank() {
        while (!atEnd()) {
            char c = text.charAt(pos);
            if (c == '#') {
                while (!atEnd() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (Character.isWhitespace(c) || c == '\\' && pos + 1 < text.length() && text.charAt(pos + 1) == '\n') {
                pos++;
            } else {
                return;
            }
        }
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private boolean peek(char c) {
        return !atEnd() && text.charAt(pos) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private IllegalArgumentException error(String what) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new IllegalArgumentException(source + ":" + line + ":" + col + ": " + what);
    }
}
