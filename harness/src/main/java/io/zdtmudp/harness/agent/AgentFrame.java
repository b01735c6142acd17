package io.zdtmudp.harness.agent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One protocol frame: an id, a kind (request op or response kind) and its TLV fields, in order. */
public record AgentFrame(int id, int kind, List<Field> fields) {

    /** One TLV field. The value array is owned by the frame: do not modify it. */
    public record Field(int tag, byte[] value) {
        public Field {
            if (tag < 0 || tag > 255) {
                throw new IllegalArgumentException("tag out of range: " + tag);
            }
        }
    }

    public AgentFrame {
        if (kind < 0 || kind > 255) {
            throw new IllegalArgumentException("kind out of range: " + kind);
        }
        fields = List.copyOf(fields);
    }

    public Optional<byte[]> first(int tag) {
        return fields.stream().filter(f -> f.tag() == tag).map(Field::value).findFirst();
    }

    public List<byte[]> all(int tag) {
        return fields.stream().filter(f -> f.tag() == tag).map(Field::value).toList();
    }

    public Optional<String> string(int tag) {
        return first(tag).map(v -> new String(v, StandardCharsets.UTF_8));
    }

    public Optional<Integer> u32(int tag) {
        return first(tag).map(v -> {
            if (v.length != 4) {
                throw new AgentProtocolException("field " + tag + " should be 4 bytes, is " + v.length);
            }
            return ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getInt();
        });
    }

    public boolean flag(int tag) {
        return first(tag).map(v -> v.length > 0 && v[0] != 0).orElse(false);
    }

    public static Builder builder(int id, int kind) {
        return new Builder(id, kind);
    }

    /** Builds frames field by field, in wire order. */
    public static final class Builder {
        private final int id;
        private final int kind;
        private final List<Field> fields = new ArrayList<>();

        private Builder(int id, int kind) {
            this.id = id;
            this.kind = kind;
        }

        public Builder bytes(int tag, byte[] value) {
            fields.add(new Field(tag, value.clone()));
            return this;
        }

        public Builder string(int tag, String value) {
            return bytes(tag, value.getBytes(StandardCharsets.UTF_8));
        }

        public Builder u32(int tag, int value) {
            return bytes(tag, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
        }

        public Builder u8(int tag, int value) {
            return bytes(tag, new byte[] {(byte) value});
        }

        public AgentFrame build() {
            return new AgentFrame(id, kind, fields);
        }
    }
}
