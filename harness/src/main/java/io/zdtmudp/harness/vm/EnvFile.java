package io.zdtmudp.harness.vm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The KEY=value files the shell side writes or sources (manifest.env, qemu.env), read without a shell. */
final class EnvFile {
    private EnvFile() {}

    /** KEY=VALUE lines; blank lines and # comments skipped; surrounding quotes dropped. */
    static Map<String, String> parse(List<String> lines) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : lines) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (l.isEmpty() || l.startsWith("#") || eq <= 0) {
                continue;
            }
            String v = l.substring(eq + 1).strip();
            if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                v = v.substring(1, v.length() - 1);
            }
            m.put(l.substring(0, eq).strip(), v);
        }
        return m;
    }
}
