package io.zdtmudp.harness.vm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SHA-256 of a file's bytes, remembered per path, size and mtime: the kernel and initramfs are
 * hashed once per JVM, not once per VM.
 */
final class FileDigest {
    private static final Map<String, String> KNOWN = new ConcurrentHashMap<>();

    private FileDigest() {}

    static String sha256(Path file) {
        try {
            Path real = file.toRealPath();
            String stamp = real + " " + Files.size(real) + " " + Files.getLastModifiedTime(real).toMillis();
            return KNOWN.computeIfAbsent(stamp, s -> digest(real));
        } catch (IOException e) {
            throw new UncheckedIOException("hashing " + file, e);
        }
    }

    private static String digest(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("hashing " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
