package io.zdtmudp.harness.agent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Frame encoding and incremental decoding (PROTOCOL.md "Framing"). The decoder accepts bytes in any
 * chunking, so a frame split across reads comes out whole once its last byte arrives.
 */
public final class AgentCodec {
    /** Largest length field either side accepts. */
    public static final int MAX_FRAME = 64 << 20;

    private static final int HEADER = 5; // id + kind, counted by the length field

    private ByteBuffer pending = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);

    public static ByteBuffer encode(AgentFrame frame) {
        long size = HEADER;
        for (AgentFrame.Field f : frame.fields()) {
            size += 5L + f.value().length;
        }
        if (size > MAX_FRAME) {
            throw new AgentProtocolException("frame of " + size + " bytes exceeds the " + MAX_FRAME + " limit");
        }
        ByteBuffer out = ByteBuffer.allocate(4 + (int) size).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt((int) size).putInt(frame.id()).put((byte) frame.kind());
        for (AgentFrame.Field f : frame.fields()) {
            out.put((byte) f.tag()).putInt(f.value().length).put(f.value());
        }
        return out.flip();
    }

    /** Appends received bytes; call {@link #next()} until it is empty. */
    public void feed(ByteBuffer bytes) {
        if (pending.remaining() < bytes.remaining()) {
            int need = pending.position() + bytes.remaining();
            ByteBuffer grown = ByteBuffer.allocate(Math.max(need, pending.capacity() * 2)).order(ByteOrder.LITTLE_ENDIAN);
            pending.flip();
            grown.put(pending);
            pending = grown;
        }
        pending.put(bytes);
    }

    /**
     * The next complete frame, if any.
     *
     * @throws AgentProtocolException when the stream cannot be a valid frame sequence; the decoder is
     *     then unusable, as there is no way to find the next frame boundary
     */
    public Optional<AgentFrame> next() {
        pending.flip();
        try {
            if (pending.remaining() < 4) {
                return Optional.empty();
            }
            int length = pending.getInt(pending.position());
            if (length < HEADER || length > MAX_FRAME) {
                throw new AgentProtocolException("bad frame length " + Integer.toUnsignedString(length)
                        + " (must be " + HEADER + ".." + MAX_FRAME + ")");
            }
            if (pending.remaining() - 4 < length) {
                return Optional.empty();
            }
            pending.getInt();
            ByteBuffer body = pending.slice(pending.position(), length).order(ByteOrder.LITTLE_ENDIAN);
            pending.position(pending.position() + length);
            return Optional.of(decodeBody(body));
        } finally {
            pending.compact();
        }
    }

    static AgentFrame decodeBody(ByteBuffer body) {
        int id = body.getInt();
        int kind = Byte.toUnsignedInt(body.get());
        List<AgentFrame.Field> fields = new ArrayList<>();
        while (body.hasRemaining()) {
            if (body.remaining() < 5) {
                throw new AgentProtocolException("frame " + id + ": truncated field header");
            }
            int tag = Byte.toUnsignedInt(body.get());
            int len = body.getInt();
            if (len < 0 || len > body.remaining()) {
                throw new AgentProtocolException("frame " + id + ": field " + tag + " of "
                        + Integer.toUnsignedString(len) + " bytes is longer than its frame");
            }
            byte[] value = new byte[len];
            body.get(value);
            fields.add(new AgentFrame.Field(tag, value));
        }
        return new AgentFrame(id, kind, fields);
    }
}
