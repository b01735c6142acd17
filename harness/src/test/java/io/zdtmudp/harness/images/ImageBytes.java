package io.zdtmudp.harness.images;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes CRIU image framing by hand, for tests that build (and break) images byte by byte. */
public final class ImageBytes {
    private ImageBytes() {
    }

    /** Each value as a u32, little-endian. */
    public static byte[] le(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    /** One entry: its length as a u32, then the message. */
    public static void entry(ByteArrayOutputStream out, byte[] msg) {
        out.writeBytes(le(msg.length));
        out.writeBytes(msg);
    }
}
