package io.zdtmudp.harness.images;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads one CRIU image file: the magic pair, then entries, each a u32
 * little-endian length and a protobuf message, sometimes followed by raw bytes
 * that only the image's own kind knows the length of.
 */
public final class ImageReader {
    /** Every image but the service ones starts with this, then its own magic. */
    public static final int COMMON_MAGIC = 0x54564319;
    /** Inventory and other service images start with this instead. */
    public static final int SERVICE_MAGIC = 0x55105940;
    /** CRIU writes inventory.img with its own magic alone, without the common one before it. */
    public static final int INVENTORY_MAGIC = 0x58313116;
    /** No message is anywhere near this big; a larger length means a corrupt file. */
    static final int MAX_ENTRY = 64 << 20;

    private final Path file;
    private final ByteBuffer buf;
    private final int magic;

    private ImageReader(Path file, ByteBuffer buf) {
        this.file = file;
        this.buf = buf.order(ByteOrder.LITTLE_ENDIAN);
        if (buf.remaining() < 8) {
            throw new CorruptImageException(file, 0, "shorter than the 8-byte magic pair");
        }
        int first = this.buf.getInt();
        if (first == INVENTORY_MAGIC) {
            this.magic = first;
            return;
        }
        if (first != COMMON_MAGIC && first != SERVICE_MAGIC) {
            throw new CorruptImageException(file, 0, String.format("bad magic 0x%08x, not a CRIU image", first));
        }
        this.magic = this.buf.getInt();
    }

    public static ImageReader open(Path file) throws IOException {
        return new ImageReader(file, ByteBuffer.wrap(Files.readAllBytes(file)));
    }

    static ImageReader of(Path name, byte[] content) {
        return new ImageReader(name, ByteBuffer.wrap(content));
    }

    /** The image's own magic (the second u32). */
    public int magic() {
        return magic;
    }

    public Path file() {
        return file;
    }

    public boolean hasMore() {
        return buf.hasRemaining();
    }

    public long position() {
        return buf.position();
    }

    /** The next entry's message bytes. */
    public byte[] nextMessage() {
        long at = buf.position();
        if (buf.remaining() < 4) {
            throw new CorruptImageException(file, at, "truncated entry length (" + buf.remaining() + " bytes left)");
        }
        int len = buf.getInt();
        if (len < 0 || len > MAX_ENTRY) {
            throw new CorruptImageException(file, at, "entry length " + Integer.toUnsignedString(len) + " is out of range");
        }
        return raw(len, "entry of " + len + " bytes");
    }

    /** {@code n} raw bytes that follow an entry (queue payloads). */
    public byte[] raw(long n, String what) {
        long at = buf.position();
        if (n < 0 || n > buf.remaining()) {
            throw new CorruptImageException(file, at, "truncated " + what + ": " + buf.remaining() + " bytes left");
        }
        byte[] out = new byte[(int) n];
        buf.get(out);
        return out;
    }
}
