package io.zdtmudp.harness.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The tag of the QEMU image: a hash of the Dockerfile and of every file's image path, exec bit and bytes.
 * A QEMU upgrade, a new library or firmware, or a recipe change gives a new tag; the same host gives the
 * same tag, so the image is built once and reused.
 */
public record ImageKey(String hash) {
    public static final String REPOSITORY = "zdtm-udp/qemu";
    static final int TAG_HEX_CHARS = 16;

    public static ImageKey of(RootfsRecipe recipe, String dockerfile) {
        MessageDigest all = sha256();
        field(all, "dockerfile", dockerfile);
        for (Map.Entry<String, Path> e : recipe.files().entrySet()) {
            Path file = e.getValue();
            field(all, "path", e.getKey());
            field(all, "exec", Boolean.toString(Files.isExecutable(file)));
            field(all, "sha256", contentHash(file));
        }
        return new ImageKey(HexFormat.of().formatHex(all.digest()));
    }

    /** Image name and tag, e.g. zdtm-udp/qemu:0123456789abcdef. */
    public String imageName() {
        return REPOSITORY + ":" + hash.substring(0, TAG_HEX_CHARS);
    }

    /** Length-prefixed, so no two different recipes hash the same bytes. */
    private static void field(MessageDigest d, String name, String value) {
        byte[] bytes = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
        d.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        d.update((byte) ':');
        d.update(bytes);
    }

    private static String contentHash(Path file) {
        MessageDigest d = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("hashing " + file, e);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
