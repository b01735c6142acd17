package io.zdtmudp.harness.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.zdtmudp.harness.images.proto.UdpQueueProto.udp_cork_entry;
import io.zdtmudp.harness.images.proto.UdpQueueProto.udp_dgram_entry;
import io.zdtmudp.harness.images.proto.UdpQueueProto.udp_queue_entry;
import io.zdtmudp.harness.net.Datagram;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged udp-queue images never take the decoder down: each mutant of a
 * realistic image is either refused with a {@link CorruptImageException} that
 * names the file and a byte offset, or decodes to datagrams whose count and
 * byte total agree with the header. Any other exception is a decoder bug that
 * a restore-time check in the engine would have to catch instead.
 *
 * <p>Seeded, so a failure names the seed, the base image and the mutation
 * that reproduce it.
 */
class UdpQueueImagePropertyTest {
    private static final Path NAME = Path.of("udp-queue-2a.img");
    private static final int MUTANTS_PER_KIND = 150;

    /** What a mutation did, to group the counts and to reproduce a failure. */
    enum Kind {
        BIT_FLIPS, TRUNCATE_AT_BOUNDARY, TRUNCATE_ANYWHERE, LENGTH_FIELD, DATAGRAM_LEN, DUPLICATE_ENTRY, DROP_ENTRY,
        HEADER_COUNT, HEADER_TOTAL, TRAILING_BYTES, ADDRESS_OR_PORT
    }

    /** A realistic image kept as its parts, so mutations can aim at structure. */
    private record Image(udp_queue_entry header, List<udp_dgram_entry> entries, List<byte[]> payloads, byte[] corked) {
        byte[] encode() {
            return encode(header, entries, payloads);
        }

        byte[] encode(udp_queue_entry h, List<udp_dgram_entry> es, List<byte[]> ps) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(ImageBytes.le(ImageReader.COMMON_MAGIC, 0x58295409));
            ImageBytes.entry(out, h.toByteArray());
            for (int i = 0; i < es.size(); i++) {
                ImageBytes.entry(out, es.get(i).toByteArray());
                out.writeBytes(ps.get(i));
            }
            if (corked != null) {
                out.writeBytes(corked);
            }
            return out.toByteArray();
        }

        /** Offsets where a reader moves from one part to the next: magic, length fields, messages, payloads. */
        List<Integer> boundaries() {
            List<Integer> at = new ArrayList<>(List.of(0, 4, 8));
            int pos = 8;
            pos = entryBoundaries(at, pos, header.getSerializedSize());
            for (int i = 0; i < entries.size(); i++) {
                pos = entryBoundaries(at, pos, entries.get(i).getSerializedSize());
                pos += payloads.get(i).length;
                at.add(pos);
            }
            return at;
        }

        private static int entryBoundaries(List<Integer> at, int pos, int size) {
            at.add(pos + 2); // inside the length field
            at.add(pos + 4);
            at.add(pos + 4 + size / 2);
            at.add(pos + 4 + size);
            return pos + 4 + size;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 0x5eed, 20261127})
    void everyMutantIsRefusedCleanlyOrDecodesConsistently(long seed) {
        Random rnd = new Random(seed);
        List<Image> bases = List.of(
                image(rnd, 2, 4, 0, false), image(rnd, 2, 12, 0, false), image(rnd, 10, 8, 0, false),
                image(rnd, 10, 3, 0, true), image(rnd, 2, 0, 0, false), image(rnd, 2, 5, 16, true));
        Map<Kind, int[]> counts = new EnumMap<>(Kind.class);
        List<String> failures = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            int[] c = counts.computeIfAbsent(kind, k -> new int[2]);
            for (int n = 0; n < MUTANTS_PER_KIND; n++) {
                int b = rnd.nextInt(bases.size());
                byte[] mutant = mutate(kind, bases.get(b), rnd);
                String what = "seed " + seed + ", base " + b + ", " + kind + " #" + n;
                try {
                    c[check(mutant, what) ? 1 : 0]++;
                } catch (AssertionError e) {
                    String msg = e.getMessage().strip().replace('\n', ' ');
                    failures.add(msg);
                }
            }
        }
        int tried = counts.size() * MUTANTS_PER_KIND;
        int accepted = counts.values().stream().mapToInt(c -> c[1]).sum();
        int rejected = counts.values().stream().mapToInt(c -> c[0]).sum();
        StringBuilder report = new StringBuilder("udp-queue mutants, seed " + seed + ": tried " + tried + ", rejected "
                + rejected + ", accepted " + accepted + ", mishandled "
                + failures.size() + " (rejected/accepted: ");
        counts.forEach((k, c) -> report.append(k).append(' ').append(c[0]).append('/').append(c[1]).append(", "));
        System.out.println(report.replace(report.length() - 2, report.length(), ")"));
        assertThat(tried).isGreaterThanOrEqualTo(1000);
        assertThat(failures).as("mutants the decoder mishandled (" + failures.size() + ")").isEmpty();
        // Every base image must itself decode, or the mutants test nothing.
        bases.forEach(img -> assertThat(check(img.encode(), "intact base")).isTrue());
    }

    @Test
    void aDatagramCountAbove2To31IsRefused() {
        Image empty = image(new Random(1), 2, 0, 0, false);
        byte[] img = empty.encode(empty.header().toBuilder().setDgramCount(-1).build(), List.of(), List.of());
        assertThatThrownBy(() -> UdpQueueImage.read(ImageReader.of(NAME, img))).isInstanceOf(CorruptImageException.class);
    }

    @Test
    void aBadAddressSizeIsRefusedAtRead() {
        Image one = image(new Random(1), 2, 2, 0, false);
        List<udp_dgram_entry> es = new ArrayList<>(one.entries());
        es.set(1, es.get(1).toBuilder().setSrcAddr(ByteString.copyFrom(new byte[5])).build());
        byte[] img = one.encode(one.header(), es, one.payloads());
        assertThatThrownBy(() -> UdpQueueImage.read(ImageReader.of(NAME, img))).isInstanceOf(CorruptImageException.class);
    }

    /** True when the mutant decodes consistently, false when it is refused with a proper error. */
    private static boolean check(byte[] mutant, String what) {
        UdpQueueImage q;
        try {
            q = UdpQueueImage.read(ImageReader.of(NAME, mutant));
        } catch (CorruptImageException e) {
            assertThat(e.getMessage()).as(what).startsWith(NAME + " at byte ").matches("(?s).* at byte \\d+: .+");
            return false;
        } catch (RuntimeException | Error e) {
            throw new AssertionError(what + ": the decoder let " + e + " escape", e);
        }
        List<Datagram> dgrams;
        try {
            dgrams = q.datagrams();
        } catch (RuntimeException e) {
            throw new AssertionError(what + ": read() accepted the image but datagrams() threw " + e, e);
        }
        long total = dgrams.stream().mapToLong(d -> d.payload().length()).sum();
        assertThat(total).as(what + ": payload total").isEqualTo(q.header().getTotalBytes());
        assertThat((long) dgrams.size()).as(what + ": datagram count")
                .isEqualTo(Integer.toUnsignedLong(q.header().getDgramCount()));
        return true;
    }

    private static byte[] mutate(Kind kind, Image img, Random rnd) {
        return switch (kind) {
            case BIT_FLIPS -> flipBits(img, rnd);
            case TRUNCATE_AT_BOUNDARY -> {
                List<Integer> at = img.boundaries();
                int cut = at.get(rnd.nextInt(at.size())) + rnd.nextInt(3) - 1;
                byte[] full = img.encode();
                yield Arrays.copyOf(full, Math.max(0, Math.min(cut, full.length - 1)));
            }
            case TRUNCATE_ANYWHERE -> {
                byte[] full = img.encode();
                yield Arrays.copyOf(full, rnd.nextInt(full.length));
            }
            case LENGTH_FIELD -> changeLengthField(img, rnd);
            case DATAGRAM_LEN -> {
                if (img.entries().isEmpty()) {
                    yield flipBits(img, rnd);
                }
                List<udp_dgram_entry> es = new ArrayList<>(img.entries());
                int i = rnd.nextInt(es.size());
                es.set(i, es.get(i).toBuilder().setLen(odd(rnd, es.get(i).getLen())).build());
                yield img.encode(img.header(), es, img.payloads());
            }
            case DUPLICATE_ENTRY -> structural(img, rnd, true);
            case DROP_ENTRY -> structural(img, rnd, false);
            case HEADER_COUNT -> img.encode(img.header().toBuilder()
                    .setDgramCount(odd(rnd, img.header().getDgramCount())).build(), img.entries(), img.payloads());
            case HEADER_TOTAL -> img.encode(img.header().toBuilder()
                    .setTotalBytes(rnd.nextBoolean() ? odd(rnd, (int) img.header().getTotalBytes()) : rnd.nextLong())
                    .build(), img.entries(), img.payloads());
            case TRAILING_BYTES -> {
                byte[] full = img.encode();
                byte[] extra = new byte[1 + rnd.nextInt(64)];
                rnd.nextBytes(extra);
                byte[] out = Arrays.copyOf(full, full.length + extra.length);
                System.arraycopy(extra, 0, out, full.length, extra.length);
                yield out;
            }
            case ADDRESS_OR_PORT -> changeAddressOrPort(img, rnd);
        };
    }

    /** A source or destination address of another size, or a source port outside 0..65535. */
    private static byte[] changeAddressOrPort(Image img, Random rnd) {
        if (img.entries().isEmpty()) {
            return flipBits(img, rnd);
        }
        List<udp_dgram_entry> es = new ArrayList<>(img.entries());
        int i = rnd.nextInt(es.size());
        byte[] addr = new byte[new int[] {0, 1, 3, 5, 8, 15, 17, 32}[rnd.nextInt(8)]];
        rnd.nextBytes(addr);
        udp_dgram_entry.Builder e = es.get(i).toBuilder();
        switch (rnd.nextInt(3)) {
            case 0 -> e.setSrcAddr(ByteString.copyFrom(addr));
            case 1 -> e.setDstAddr(ByteString.copyFrom(addr));
            default -> e.setSrcPort(65536 + rnd.nextInt(1 << 20));
        }
        es.set(i, e.build());
        return img.encode(img.header(), es, img.payloads());
    }

    private static byte[] flipBits(Image img, Random rnd) {
        byte[] b = img.encode();
        for (int n = 1 + rnd.nextInt(8); n > 0; n--) {
            int bit = rnd.nextInt(b.length * 8);
            b[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        return b;
    }

    /** Rewrites one entry's u32 length prefix (the header's or a datagram's). */
    private static byte[] changeLengthField(Image img, Random rnd) {
        byte[] b = img.encode();
        List<Integer> fields = new ArrayList<>();
        int pos = 8;
        fields.add(pos);
        pos += 4 + img.header().getSerializedSize();
        for (int i = 0; i < img.entries().size(); i++) {
            fields.add(pos);
            pos += 4 + img.entries().get(i).getSerializedSize() + img.payloads().get(i).length;
        }
        int at = fields.get(rnd.nextInt(fields.size()));
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(at, odd(rnd, buf.getInt(at)));
        return b;
    }

    /** Duplicates or drops one datagram (entry and payload), header left as it was. */
    private static byte[] structural(Image img, Random rnd, boolean duplicate) {
        if (img.entries().isEmpty()) {
            return duplicate ? img.encode() : Arrays.copyOf(img.encode(), 8);
        }
        List<udp_dgram_entry> es = new ArrayList<>(img.entries());
        List<byte[]> ps = new ArrayList<>(img.payloads());
        int i = rnd.nextInt(es.size());
        if (duplicate) {
            es.add(i, es.get(i));
            ps.add(i, ps.get(i));
        } else {
            es.remove(i);
            ps.remove(i);
        }
        return img.encode(img.header(), es, ps);
    }

    /** A value near {@code v}, or one of the values decoders get wrong. */
    private static int odd(Random rnd, int v) {
        return switch (rnd.nextInt(8)) {
            case 0 -> v + 1;
            case 1 -> v - 1;
            case 2 -> 0;
            case 3 -> -1;
            case 4 -> Integer.MAX_VALUE;
            case 5 -> Integer.MIN_VALUE;
            case 6 -> v * 2 + 1;
            default -> rnd.nextInt();
        };
    }

    /** A queue of {@code count} datagrams from a few sources, some of them empty, maybe with a cork. */
    private static Image image(Random rnd, int family, int count, int corkLen, boolean maxSize) {
        int alen = family == 2 ? 4 : 16;
        List<udp_dgram_entry> es = new ArrayList<>();
        List<byte[]> ps = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < count; i++) {
            int len = switch (i % 4) {
                case 0 -> 0;
                case 1 -> 1 + rnd.nextInt(64);
                case 2 -> maxSize && i == 2 ? 65507 : 1 + rnd.nextInt(2000);
                default -> 1 + rnd.nextInt(200);
            };
            byte[] payload = new byte[len];
            rnd.nextBytes(payload);
            byte[] src = new byte[alen];
            rnd.nextBytes(src);
            byte[] dst = new byte[alen];
            rnd.nextBytes(dst);
            es.add(udp_dgram_entry.newBuilder().setSrcAddr(ByteString.copyFrom(src)).setSrcPort(1024 + rnd.nextInt(60000))
                    .setDstAddr(ByteString.copyFrom(dst)).setLen(len).setIfindex(1).build());
            ps.add(payload);
            total += len;
        }
        udp_queue_entry.Builder h = udp_queue_entry.newBuilder().setId(0x2a).setFamily(family).setProto(17)
                .setDgramCount(count).setTotalBytes(total).setPeekOff(-1);
        byte[] corked = null;
        if (corkLen > 0) {
            corked = new byte[corkLen];
            rnd.nextBytes(corked);
            h.setCork(udp_cork_entry.newBuilder().setCorked(true).setPending(true).setLen(corkLen).setFamily(family)
                    .setDstAddr(ByteString.copyFrom(new byte[alen])).setDstPort(7000).build());
        }
        return new Image(h.build(), es, ps, corked);
    }
}
