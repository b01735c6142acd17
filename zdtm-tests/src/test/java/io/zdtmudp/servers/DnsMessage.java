package io.zdtmudp.servers;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The little of RFC 1035 a client of a checkpointed DNS server needs: a query for one name, and the answer
 * read back field by field, so that a case can say which query an answer belongs to and what it says.
 */
final class DnsMessage {
    static final int TYPE_A = 1;
    static final int TYPE_AAAA = 28;
    private static final int CLASS_IN = 1;
    private static final int FLAG_RESPONSE = 0x8000;
    private static final int FLAG_RECURSION_DESIRED = 0x0100;

    /** One resource record of the answer section. */
    record Record(String name, int type, long ttl, byte[] data) {}

    /** A response: its id, whether it is one, its rcode, the question it repeats and the answer records. */
    record Response(int id, boolean isResponse, int rcode, String question, int questionType, List<Record> answers) {}

    private DnsMessage() {}

    /** A recursion-desired query with {@code id} for {@code name} of {@code type}, class IN. */
    static byte[] query(int id, String name, int type) {
        var out = new ByteArrayOutputStream();
        putShort(out, id);
        putShort(out, FLAG_RECURSION_DESIRED);
        putShort(out, 1); // QDCOUNT
        putShort(out, 0);
        putShort(out, 0);
        putShort(out, 0);
        for (String label : name.split("\\.")) {
            byte[] b = label.getBytes(StandardCharsets.US_ASCII);
            if (b.length == 0 || b.length > 63) {
                throw new IllegalArgumentException("not a DNS label: '" + label + "' in " + name);
            }
            out.write(b.length);
            out.writeBytes(b);
        }
        out.write(0);
        putShort(out, type);
        putShort(out, CLASS_IN);
        return out.toByteArray();
    }

    /** Reads a response; a message cut short or with a bad name fails, naming the offset. */
    static Response parse(byte[] message) {
        ByteBuffer b = ByteBuffer.wrap(message);
        try {
            int id = b.getShort() & 0xffff;
            int flags = b.getShort() & 0xffff;
            int qd = b.getShort() & 0xffff;
            int an = b.getShort() & 0xffff;
            b.getShort();
            b.getShort();
            if (qd != 1) {
                throw new IllegalArgumentException("a response to one question repeats one, this one has " + qd);
            }
            String question = name(message, b);
            int questionType = b.getShort() & 0xffff;
            b.getShort(); // class
            List<Record> answers = new ArrayList<>();
            for (int i = 0; i < an; i++) {
                String n = name(message, b);
                int type = b.getShort() & 0xffff;
                b.getShort();
                long ttl = b.getInt() & 0xffffffffL;
                byte[] data = new byte[b.getShort() & 0xffff];
                b.get(data);
                answers.add(new Record(n, type, ttl, data));
            }
            return new Response(id, (flags & FLAG_RESPONSE) != 0, flags & 0xf, question, questionType, answers);
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("a DNS message cut short at byte " + b.position() + " of " + message.length, e);
        }
    }

    /** A name at the buffer's position, following compression pointers; the position moves past it. */
    private static String name(byte[] message, ByteBuffer b) {
        var labels = new ArrayList<String>();
        int at = b.position();
        boolean jumped = false;
        for (int hops = 0; ; hops++) {
            if (hops > message.length) {
                throw new IllegalArgumentException("a name pointer loop at byte " + at);
            }
            int len = message[at] & 0xff;
            if (len == 0) {
                if (!jumped) {
                    b.position(at + 1);
                }
                return String.join(".", labels);
            }
            if ((len & 0xc0) == 0xc0) {
                int target = ((len & 0x3f) << 8) | (message[at + 1] & 0xff);
                if (!jumped) {
                    b.position(at + 2);
                }
                jumped = true;
                at = target;
                continue;
            }
            labels.add(new String(message, at + 1, len, StandardCharsets.US_ASCII));
            at += 1 + len;
        }
    }

    private static void putShort(ByteArrayOutputStream out, int v) {
        out.write(v >> 8);
        out.write(v);
    }
}
