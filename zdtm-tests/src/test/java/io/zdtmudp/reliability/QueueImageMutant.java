package io.zdtmudp.reliability;

import com.google.protobuf.InvalidProtocolBufferException;
import io.zdtmudp.harness.images.proto.UdpQueueProto.udp_dgram_entry;
import io.zdtmudp.harness.images.proto.UdpQueueProto.udp_queue_entry;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.Endpoint;
import io.zdtmudp.harness.net.Payload;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Seeded damage to a real udp-queue image, aimed at its structure: the magic,
 * entry length fields, the header's counts, datagram entries and payload
 * boundaries. Payload bytes are left alone on purpose: the image has no
 * checksum, so a flipped payload byte is a different but valid queue.
 */
record QueueImageMutant(String description, byte[] bytes) {
    private static final int MAGIC_PAIR = 8;

    /** The parts of an intact image. */
    record Parts(int[] magic, udp_queue_entry header, List<udp_dgram_entry> entries, List<byte[]> payloads, byte[] tail) {
        static Parts parse(byte[] img) {
            ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
            int[] magic = {b.getInt(), b.getInt()};
            try {
                udp_queue_entry h = udp_queue_entry.parseFrom(message(b));
                List<udp_dgram_entry> es = new ArrayList<>();
                List<byte[]> ps = new ArrayList<>();
                for (int i = 0; i < h.getDgramCount(); i++) {
                    udp_dgram_entry e = udp_dgram_entry.parseFrom(message(b));
                    byte[] p = new byte[e.getLen()];
                    b.get(p);
                    es.add(e);
                    ps.add(p);
                }
                byte[] tail = new byte[b.remaining()];
                b.get(tail);
                return new Parts(magic, h, es, ps, tail);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalArgumentException("not an intact udp-queue image", e);
            }
        }

        private static byte[] message(ByteBuffer b) {
            byte[] m = new byte[b.getInt()];
            b.get(m);
            return m;
        }

        byte[] encode() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer m = ByteBuffer.allocate(MAGIC_PAIR).order(ByteOrder.LITTLE_ENDIAN).putInt(magic[0]).putInt(magic[1]);
            out.writeBytes(m.array());
            entry(out, header.toByteArray());
            for (int i = 0; i < entries.size(); i++) {
                entry(out, entries.get(i).toByteArray());
                out.writeBytes(payloads.get(i));
            }
            out.writeBytes(tail);
            return out.toByteArray();
        }

        /** The queue these parts describe, if they are self-consistent (what a restore may rebuild). */
        Optional<List<Datagram>> queue() {
            long total = payloads.stream().mapToLong(p -> p.length).sum();
            if (entries.size() != header.getDgramCount() || total != header.getTotalBytes() || tail.length != 0) {
                return Optional.empty();
            }
            List<Datagram> out = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                udp_dgram_entry e = entries.get(i);
                try {
                    out.add(new Datagram(Endpoint.of(e.getSrcAddr().toByteArray(), e.getSrcPort()),
                            Endpoint.of(e.getDstAddr().toByteArray(), 0), Payload.of(payloads.get(i))));
                } catch (IllegalArgumentException bad) {
                    return Optional.empty();
                }
            }
            return Optional.of(out);
        }

        private static void entry(ByteArrayOutputStream out, byte[] msg) {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(msg.length).array());
            out.writeBytes(msg);
        }

        private Parts with(udp_queue_entry h, List<udp_dgram_entry> es, List<byte[]> ps) {
            return new Parts(magic, h, es, ps, tail);
        }
    }

    /** One seeded mutant of {@code p}; {@code n} picks the kind, so consecutive n cover every kind. */
    static QueueImageMutant of(Parts p, int n, Random rnd) {
        byte[] full = p.encode();
        int dgrams = p.entries().size();
        int i = dgrams == 0 ? 0 : rnd.nextInt(dgrams);
        return switch (n % 9) {
            case 0 -> {
                int cut = MAGIC_PAIR + 4 + p.header().getSerializedSize() + (dgrams == 0 ? 0 : rnd.nextInt(full.length
                        - MAGIC_PAIR - 4 - p.header().getSerializedSize()));
                yield new QueueImageMutant("truncated to " + cut + " of " + full.length + " bytes",
                        Arrays.copyOf(full, Math.min(cut, full.length - 1)));
            }
            case 1 -> new QueueImageMutant("header counts " + (dgrams + 1) + " datagrams",
                    p.with(p.header().toBuilder().setDgramCount(dgrams + 1).build(), p.entries(), p.payloads()).encode());
            case 2 -> new QueueImageMutant("header counts " + (dgrams - 1) + " datagrams",
                    p.with(p.header().toBuilder().setDgramCount(dgrams - 1).build(), p.entries(), p.payloads()).encode());
            case 3 -> new QueueImageMutant("header total off by one",
                    p.with(p.header().toBuilder().setTotalBytes(p.header().getTotalBytes() + 1).build(), p.entries(),
                            p.payloads()).encode());
            case 4 -> {
                List<udp_dgram_entry> es = new ArrayList<>(p.entries());
                List<byte[]> ps = new ArrayList<>(p.payloads());
                es.add(i, es.get(i));
                ps.add(i, ps.get(i));
                yield new QueueImageMutant("datagram " + i + " duplicated", p.with(p.header(), es, ps).encode());
            }
            case 5 -> {
                List<udp_dgram_entry> es = new ArrayList<>(p.entries());
                List<byte[]> ps = new ArrayList<>(p.payloads());
                es.remove(i);
                ps.remove(i);
                yield new QueueImageMutant("datagram " + i + " dropped", p.with(p.header(), es, ps).encode());
            }
            case 6 -> {
                List<udp_dgram_entry> es = new ArrayList<>(p.entries());
                int len = es.get(i).getLen() + (rnd.nextBoolean() ? 1 : -1);
                es.set(i, es.get(i).toBuilder().setLen(len).build());
                yield new QueueImageMutant("datagram " + i + " claims " + Integer.toUnsignedString(len) + " bytes",
                        p.with(p.header(), es, p.payloads()).encode());
            }
            case 7 -> {
                List<udp_dgram_entry> es = new ArrayList<>(p.entries());
                byte[] addr = new byte[rnd.nextBoolean() ? 5 : 16 + 4 - es.get(i).getSrcAddr().size() % 16];
                rnd.nextBytes(addr);
                es.set(i, es.get(i).toBuilder().setSrcAddr(com.google.protobuf.ByteString.copyFrom(addr)).build());
                yield new QueueImageMutant("datagram " + i + " source address of " + addr.length + " bytes",
                        p.with(p.header(), es, p.payloads()).encode());
            }
            default -> {
                // Bit flips inside the header or an entry message, never in a payload.
                byte[] b = full.clone();
                int start = rnd.nextBoolean() ? 0 : MAGIC_PAIR;
                int len = MAGIC_PAIR + 4 + p.header().getSerializedSize() - start;
                int bit = rnd.nextInt(len * 8);
                b[start + bit / 8] ^= (byte) (1 << (bit % 8));
                yield new QueueImageMutant("bit " + (start * 8 + bit) + " flipped", b);
            }
        };
    }

    /** What the mutant says the queue is, if it decodes consistently. */
    Optional<List<Datagram>> describedQueue() {
        try {
            return Parts.parse(bytes).queue();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
