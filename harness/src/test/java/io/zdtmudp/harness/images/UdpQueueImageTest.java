package io.zdtmudp.harness.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.zdtmudp.harness.images.proto.UdpQueueProto.udp_dgram_entry;
import io.zdtmudp.harness.images.proto.UdpQueueProto.udp_queue_entry;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.Endpoint;
import io.zdtmudp.harness.net.Payload;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class UdpQueueImageTest {
    private static final Path NAME = Path.of("udp-queue-7.img");
    private static final int MAGIC = 0x12345678;

    @Test
    void decodesDatagramsWithSourcesAndBytes() {
        byte[] img = image(2, 6, dgram("127.0.0.2", 7001, "hello"), dgram("127.0.0.3", 9, "x"));
        UdpQueueImage q = UdpQueueImage.read(ImageReader.of(NAME, img));
        assertThat(q.datagrams()).containsExactly(
                new Datagram(Endpoint.parse("127.0.0.2", 7001), Endpoint.parse("127.0.0.1", 0), Payload.text("hello")),
                new Datagram(Endpoint.parse("127.0.0.3", 9), Endpoint.parse("127.0.0.1", 0), Payload.text("x")));
        assertThat(q.header().getPeekOff()).isEqualTo(-1);
    }

    @Test
    void rejectsABadMagic() {
        byte[] img = image(0, 0);
        img[0] = 0;
        assertThatThrownBy(() -> UdpQueueImage.read(ImageReader.of(NAME, img)))
                .isInstanceOf(CorruptImageException.class).hasMessageContaining("bad magic");
    }

    @Test
    void rejectsATruncatedPayload() {
        byte[] img = image(1, 5, dgram("127.0.0.2", 1, "hello"));
        byte[] cut = Arrays.copyOf(img, img.length - 2);
        assertThatThrownBy(() -> UdpQueueImage.read(ImageReader.of(NAME, cut)))
                .isInstanceOf(CorruptImageException.class).hasMessageContaining("truncated payload of datagram 0");
    }

    @Test
    void rejectsAByteTotalThatDoesNotAddUp() {
        byte[] img = image(1, 4, dgram("127.0.0.2", 1, "hello"));
        assertThatThrownBy(() -> UdpQueueImage.read(ImageReader.of(NAME, img)))
                .isInstanceOf(CorruptImageException.class).hasMessageContaining("5 bytes, the header says 4");
    }

    @Test
    void rejectsMoreDatagramsThanTheHeaderCounts() {
        byte[] img = image(1, 5, dgram("127.0.0.2", 1, "hello"), dgram("127.0.0.2", 1, ""));
        assertThatThrownBy(() -> UdpQueueImage.read(ImageReader.of(NAME, img)))
                .isInstanceOf(CorruptImageException.class).hasMessageContaining("trailing bytes");
    }

    @Test
    void rejectsAnOversizedLength() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ImageBytes.le(ImageReader.COMMON_MAGIC, MAGIC));
        out.writeBytes(ImageBytes.le(Integer.MAX_VALUE));
        assertThatThrownBy(() -> UdpQueueImage.read(ImageReader.of(NAME, out.toByteArray())))
                .isInstanceOf(CorruptImageException.class).hasMessageContaining("out of range");
    }

    private static Object[] dgram(String src, int port, String text) {
        return new Object[] {src, port, text};
    }

    private static byte[] image(int count, long total, Object[]... dgrams) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ImageBytes.le(ImageReader.COMMON_MAGIC, MAGIC));
        ImageBytes.entry(out, udp_queue_entry.newBuilder().setId(7).setFamily(2).setProto(17).setDgramCount(count)
                .setTotalBytes(total).setPeekOff(-1).build().toByteArray());
        for (Object[] d : dgrams) {
            byte[] payload = ((String) d[2]).getBytes();
            ImageBytes.entry(out, udp_dgram_entry.newBuilder()
                    .setSrcAddr(ByteString.copyFrom(Endpoint.parse((String) d[0], 0).address()))
                    .setSrcPort((Integer) d[1])
                    .setDstAddr(ByteString.copyFrom(Endpoint.parse("127.0.0.1", 0).address()))
                    .setLen(payload.length).build().toByteArray());
            out.writeBytes(payload);
        }
        return out.toByteArray();
    }
}
