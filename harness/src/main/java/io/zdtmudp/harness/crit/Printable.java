package io.zdtmudp.harness.crit;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Payload previews in a summary: text when the bytes are text, hex otherwise. */
final class Printable {
    private Printable() {
    }

    static String preview(byte[] bytes, int max) {
        int n = Math.min(bytes.length, max);
        String more = bytes.length > max ? "..." : "";
        for (int i = 0; i < n; i++) {
            if (bytes[i] < 0x20 || bytes[i] > 0x7e) {
                return "hex " + HexFormat.of().formatHex(bytes, 0, n) + more;
            }
        }
        return "\"" + new String(bytes, 0, n, StandardCharsets.US_ASCII) + "\"" + more;
    }
}
