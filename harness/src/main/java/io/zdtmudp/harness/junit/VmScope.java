package io.zdtmudp.harness.junit;

import java.util.Locale;

/** How long a VM lives. */
public enum VmScope {
    /** Take -Dzdtm.vm.scope, else {@link #PER_RUN}. */
    DEFAULT,
    /** One VM for the whole test run (the fastest: a boot under TCG costs seconds). */
    PER_RUN,
    /** A fresh VM for each test class. */
    PER_CLASS;

    public static final String PROPERTY = "zdtm.vm.scope";

    static VmScope parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        switch (v) {
            case "":
            case "per_run":
            case "run":
                return PER_RUN;
            case "per_class":
            case "class":
                return PER_CLASS;
            default:
                throw new IllegalArgumentException(PROPERTY + " must be per-run or per-class, got '" + value + "'");
        }
    }
}
