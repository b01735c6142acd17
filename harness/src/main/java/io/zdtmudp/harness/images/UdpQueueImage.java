package io.zdtmudp.harness.images;

import com.google.protobuf.InvalidProtocolBufferException;
import io.zdtmudp.harness.images.proto.UdpQueueProto.udp_dgram_entry;
import io.zdtmudp.harness.images.proto.UdpQueueProto.udp_queue_entry;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.Endpoint;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.net.Payload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * One {@code udp-queue-<id>.img}: the queue header, then each datagram's entry
 * followed by its payload bytes, then the corked datagram's bytes. Parsing
 * checks what the engine's restore checks (counts, byte totals, lengths), so a
 * case can assert on the image before restoring from it.
 */
public final class UdpQueueImage {
    /** Written by the patched engine (its magic is in criu/include/magic.h of our series). */
    public static final String FILE_PREFIX = "udp-queue-";
    private static final int IPPROTO_UDP = 17;

    private final udp_queue_entry header;
    private final List<udp_dgram_entry> entries;
    private final List<byte[]> payloads;
    private final byte[] corked;

    private UdpQueueImage(udp_queue_entry header, List<udp_dgram_entry> entries, List<byte[]> payloads, byte[] corked) {
        this.header = header;
        this.entries = entries;
        this.payloads = payloads;
        this.corked = corked;
    }

    /** The queue image of socket {@code socketId} in {@code images}, if the engine wrote one. */
    public static Optional<UdpQueueImage> of(CriuImages images, int socketId) {
        Path file = images.directory().resolve(String.format("%s%x.img", FILE_PREFIX, socketId));
        if (!Files.exists(file)) {
            file = images.directory().resolve(FILE_PREFIX + socketId + ".img");
        }
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(ImageReader.open(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The datagrams the images hold for the one UDP socket of {@code family} bound to {@code port} (none if
     * the engine wrote no queue for it): what a case that knows its program's port checks before restoring.
     * No such socket, or several (SO_REUSEPORT), fails naming what was found.
     */
    public static List<Datagram> queuedOn(CriuImages images, IpFamily family, int port) {
        int af = family == IpFamily.INET ? 2 : 10;
        var found = images.inetSockets().stream()
                .filter(sk -> sk.getProto() == IPPROTO_UDP && sk.getFamily() == af && sk.getSrcPort() == port).toList();
        if (found.size() != 1) {
            throw new IllegalArgumentException("expected one " + family + " UDP socket on port " + port + " in "
                    + images.directory() + ", found " + found.size());
        }
        return of(images, found.get(0).getId()).map(UdpQueueImage::datagrams).orElse(List.of());
    }

    public static UdpQueueImage read(ImageReader r) {
        udp_queue_entry header = parseHeader(r);
        List<udp_dgram_entry> entries = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        long total = 0;
        long count = Integer.toUnsignedLong(header.getDgramCount());
        for (long i = 0; i < count; i++) {
            long at = r.position();
            udp_dgram_entry e;
            try {
                e = udp_dgram_entry.parseFrom(r.nextMessage());
            } catch (InvalidProtocolBufferException ex) {
                throw new CorruptImageException(r.file(), at, "datagram entry " + i + " does not decode", ex);
            }
            if (Integer.toUnsignedLong(e.getLen()) > Payload.MAX_IPV6) {
                throw new CorruptImageException(r.file(), at, "datagram " + i + " claims " + Integer.toUnsignedString(e.getLen()) + " bytes");
            }
            checkAddress(r, at, i, "source", e.getSrcAddr().size(), false);
            checkAddress(r, at, i, "destination", e.getDstAddr().size(), true);
            if (Integer.toUnsignedLong(e.getSrcPort()) > 65535) {
                throw new CorruptImageException(r.file(), at, "datagram " + i + " has source port "
                        + Integer.toUnsignedString(e.getSrcPort()));
            }
            payloads.add(r.raw(e.getLen(), "payload of datagram " + i));
            entries.add(e);
            total += e.getLen();
        }
        if (total != header.getTotalBytes()) {
            throw new CorruptImageException(r.file(), r.position(),
                    "datagrams hold " + total + " bytes, the header says " + header.getTotalBytes());
        }
        byte[] corked = null;
        if (header.hasCork() && header.getCork().getPending()) {
            corked = r.raw(header.getCork().getLen(), "corked datagram");
        }
        if (r.hasMore()) {
            throw new CorruptImageException(r.file(), r.position(), "trailing bytes after the last datagram");
        }
        return new UdpQueueImage(header, entries, payloads, corked);
    }

    private static void checkAddress(ImageReader r, long at, long i, String which, int size, boolean mayBeEmpty) {
        if (size != 4 && size != 16 && !(mayBeEmpty && size == 0)) {
            throw new CorruptImageException(r.file(), at, "datagram " + i + " has a " + size + "-byte " + which
                    + " address (4 or 16 expected)");
        }
    }

    private static udp_queue_entry parseHeader(ImageReader r) {
        try {
            return udp_queue_entry.parseFrom(r.nextMessage());
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptImageException(r.file(), 8, "queue header does not decode", e);
        }
    }

    public udp_queue_entry header() {
        return header;
    }

    /** The receive queue as saved, oldest first. Destinations are included (port 0). */
    public List<Datagram> datagrams() {
        List<Datagram> out = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            udp_dgram_entry e = entries.get(i);
            Endpoint src = Endpoint.of(e.getSrcAddr().toByteArray(), e.getSrcPort());
            Endpoint dst = e.getDstAddr().isEmpty() ? null : Endpoint.of(e.getDstAddr().toByteArray(), 0);
            out.add(new Datagram(src, dst, Payload.of(payloads.get(i))));
        }
        return out;
    }

    /** The bytes of the corked datagram, if one was pending. */
    public Optional<byte[]> corkedPayload() {
        return Optional.ofNullable(corked).map(byte[]::clone);
    }

    static String json(ImageReader r) {
        UdpQueueImage q = read(r);
        StringBuilder out = new StringBuilder("{\"header\": ").append(ImageJson.message(q.header)).append(", \"datagrams\": [");
        List<Datagram> readable = q.datagrams();
        for (int i = 0; i < q.entries.size(); i++) {
            Datagram d = readable.get(i);
            out.append(i == 0 ? "\n" : ",\n").append("{\"entry\": ").append(ImageJson.message(q.entries.get(i)))
                    .append(", \"source\": ").append(ImageJson.quote(d.source().toString()))
                    .append(", \"destination\": ").append(ImageJson.quote(d.destination().map(Endpoint::host).orElse("")))
                    .append(", \"payload\": ").append(ImageJson.quote(HexFormat.of().formatHex(q.payloads.get(i)))).append("}");
        }
        out.append("]");
        if (q.corked != null) {
            out.append(", \"corked_payload\": ").append(ImageJson.quote(HexFormat.of().formatHex(q.corked)));
        }
        return out.append("}").toString();
    }
}
