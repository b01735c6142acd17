package io.zdtmudp.harness.criu;

import java.util.Locale;

/** Which CRIU in the guest: ours, or the unpatched 4.2.1 for comparison. */
public enum CriuBinary {
    PATCHED("/usr/sbin/criu"),
    STOCK("/opt/criu-stock/sbin/criu");

    public static final String PROPERTY = "zdtm.criu";

    private final String path;

    CriuBinary(String path) {
        this.path = path;
    }

    public String path() {
        return path;
    }

    /** patched (default when empty) or stock. */
    public static CriuBinary parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "":
            case "patched":
                return PATCHED;
            case "stock":
                return STOCK;
            default:
                throw new IllegalArgumentException(PROPERTY + " must be patched or stock, got '" + value + "'");
        }
    }
}
