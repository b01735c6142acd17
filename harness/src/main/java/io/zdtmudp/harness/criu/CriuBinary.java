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

    /**
     * patched (default when empty) or stock; the path of your own CRIU tree or binary is the guest's
     * /usr/sbin/criu (the image is built with it: vm-images/criu/byo.sh), so it runs as patched does.
     */
    public static CriuBinary parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("/")) {
            return PATCHED;
        }
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
