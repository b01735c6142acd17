package io.zdtmudp.harness.vm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Names a snapshot by everything that shapes the saved guest: the kernel and initramfs bytes, the
 * QEMU binary and version, and QEMU's whole command line (machine, cpu, memory, smp, kernel command
 * line, devices, accelerator) with the per-run host paths replaced by placeholders, since those are
 * backend details that may differ between the VM that saved the snapshot and the one that loads it.
 *
 * @param description the inputs, one per line, kept next to the snapshot to tell a stale one apart
 */
public record SnapshotKey(String hash, String description) {
    /** The first 16 hex digits, as in the cache directory name. */
    public String hash16() {
        return hash.substring(0, 16);
    }

    public static SnapshotKey of(VmConfig config, String qemuIdentity, String kernelSha256, String initrdSha256) {
        List<String> lines = new ArrayList<>();
        lines.add("qemu " + qemuIdentity);
        lines.add("kernel sha256 " + kernelSha256);
        lines.add("initrd sha256 " + initrdSha256);
        lines.add("argv " + String.join(" ", hostIndependentArgv(config)));
        String description = String.join("\n", lines) + "\n";
        return new SnapshotKey(sha256(description), description);
    }

    /** QEMU's argv with the run dir, share dir, kernel, initrd and binary paths as placeholders. */
    static List<String> hostIndependentArgv(VmConfig config) {
        List<String> out = new ArrayList<>();
        List<String> argv = config.qemuArgv();
        out.add("<qemu>");
        for (String a : argv.subList(1, argv.size())) {
            String s = config.shareDir() == null ? a : a.replace(config.shareDir().toString(), "<share>");
            out.add(s.replace(config.runDir().toString(), "<run>")
                    .replace(config.image().kernel().toString(), "<kernel>")
                    .replace(config.image().initrd().toString(), "<initrd>"));
        }
        return out;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
