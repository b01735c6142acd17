package io.zdtmudp.harness.crit;

import io.zdtmudp.harness.images.ImageJsonDump;
import io.zdtmudp.harness.images.ImageReader;
import io.zdtmudp.harness.images.UdpQueueImage;
import io.zdtmudp.harness.net.Datagram;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One file of an image directory as zdtm-crit sees it: its size and magic, read
 * without trusting the rest, so that an image the harness cannot decode is
 * still listed rather than dropped.
 */
record ImageFile(Path path, long size, OptionalInt magic) {

    static ImageFile inspect(Path path) throws IOException {
        long size = Files.size(path);
        byte[] head = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        int first = b.getInt(0);
        if (n >= 4 && first == ImageReader.INVENTORY_MAGIC) {
            return new ImageFile(path, size, OptionalInt.of(first));
        }
        // Page images and a few others are raw data with no magic at all.
        boolean framed = n == 8 && (first == ImageReader.COMMON_MAGIC || first == ImageReader.SERVICE_MAGIC);
        return new ImageFile(path, size, framed ? OptionalInt.of(b.getInt(4)) : OptionalInt.empty());
    }

    String name() {
        return path.getFileName().toString();
    }

    String magicText() {
        return magic.isPresent() ? String.format("0x%08x", magic.getAsInt()) : "none (raw data)";
    }

    boolean isUdpQueue() {
        return name().startsWith(UdpQueueImage.FILE_PREFIX);
    }

    /** The entries as JSON, or empty when the harness does not know this kind; throws if corrupt. */
    Optional<String> decode() throws IOException {
        return ImageJsonDump.decode(path);
    }

    /** How many entries the image holds (datagrams for a queue image). */
    int entryCount() throws IOException {
        if (isUdpQueue()) {
            return queue().datagrams().size();
        }
        ImageReader r = ImageReader.open(path);
        int count = 0;
        while (r.hasMore()) {
            r.nextMessage();
            count++;
        }
        return count;
    }

    UdpQueueImage queue() throws IOException {
        return UdpQueueImage.read(ImageReader.open(path));
    }

    /** One line per datagram for people: who sent it, to where, how long, and its first bytes. */
    static String describe(Datagram d) {
        byte[] bytes = d.payload().bytes();
        return d.source() + " -> " + d.destination().map(e -> e.host()).orElse("?") + ", " + bytes.length
                + " bytes: " + Printable.preview(bytes, 32);
    }
}
