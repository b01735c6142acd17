package io.zdtmudp.harness.vm;

import java.util.Locale;

/** How QEMU runs the guest. TCG always works; KVM only where a probe boot proves it (see {@link KvmProbe}). */
public enum Accelerator {
    TCG,
    KVM;

    public static final String PROPERTY = "zdtm.accel";

    /** The QEMU -accel argument. */
    public String qemuName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses tcg, kvm or auto (empty means tcg): auto is returned as null, for the caller to probe. */
    public static Accelerator parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "":
            case "tcg":
                return TCG;
            case "kvm":
                return KVM;
            case "auto":
                return null;
            default:
                throw new IllegalArgumentException(PROPERTY + " must be tcg, kvm or auto, got '" + value + "'");
        }
    }
}
