package io.zdtmudp.harness.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AgentCodecTest {

    private static AgentFrame sample() {
        return AgentFrame.builder(7, Protocol.OP_EXEC)
                .string(Protocol.ARGV, "sh")
                .string(Protocol.ARGV, "-c")
                .bytes(Protocol.STDIN, new byte[0])
                .u32(Protocol.TIMEOUT_MS, 1500)
                .build();
    }

    @Test
    void roundTripKeepsIdKindAndFieldsInOrder() {
        AgentCodec codec = new AgentCodec();
        codec.feed(AgentCodec.encode(sample()));
        AgentFrame f = codec.next().orElseThrow();
        assertThat(f.id()).isEqualTo(7);
        assertThat(f.kind()).isEqualTo(Protocol.OP_EXEC);
        assertThat(f.all(Protocol.ARGV)).extracting(b -> new String(b, StandardCharsets.UTF_8)).containsExactly("sh", "-c");
        assertThat(f.first(Protocol.STDIN)).hasValueSatisfying(v -> assertThat(v).isEmpty());
        assertThat(f.u32(Protocol.TIMEOUT_MS)).contains(1500);
        assertThat(codec.next()).isEmpty();
    }

    @Test
    void wireFormatIsLittleEndianLengthIdKindThenTlvs() {
        ByteBuffer b = AgentCodec.encode(AgentFrame.builder(0x01020304, 1).u8(13, 1).build());
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        assertThat(bytes).containsExactly(11, 0, 0, 0, 4, 3, 2, 1, 1, 13, 1, 0, 0, 0, 1);
    }

    @Test
    void framesSplitAcrossReadsComeOutWholeOnlyAtTheirLastByte() {
        ByteBuffer two = ByteBuffer.allocate(1024);
        two.put(AgentCodec.encode(sample())).put(AgentCodec.encode(AgentFrame.builder(8, 1).build())).flip();
        AgentCodec codec = new AgentCodec();
        int frames = 0;
        while (two.hasRemaining()) {
            codec.feed(ByteBuffer.wrap(new byte[] {two.get()}));
            for (var f = codec.next(); f.isPresent(); f = codec.next()) {
                frames++;
                assertThat(f.get().id()).isEqualTo(frames == 1 ? 7 : 8);
            }
            if (two.position() < AgentCodec.encode(sample()).remaining()) {
                assertThat(frames).isZero();
            }
        }
        assertThat(frames).isEqualTo(2);
    }

    @Test
    void unknownTagsAreKeptAndIgnoredByAccessors() {
        AgentCodec codec = new AgentCodec();
        codec.feed(AgentCodec.encode(AgentFrame.builder(1, Protocol.OK).string(200, "future").u32(Protocol.EXIT, 3).build()));
        AgentFrame f = codec.next().orElseThrow();
        assertThat(f.u32(Protocol.EXIT)).contains(3);
        assertThat(f.string(200)).contains("future");
        assertThat(f.first(Protocol.STDOUT)).isEmpty();
    }

    @Test
    void lengthBelowHeaderOrAboveLimitIsAProtocolError() {
        for (int bad : new int[] {0, 4, AgentCodec.MAX_FRAME + 1, -1}) {
            AgentCodec codec = new AgentCodec();
            codec.feed(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(bad).putInt(0).flip());
            assertThatThrownBy(codec::next).isInstanceOf(AgentProtocolException.class).hasMessageContaining("bad frame length");
        }
    }

    @Test
    void fieldLongerThanItsFrameIsAProtocolError() {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(10).putInt(5).put((byte) 128).put((byte) 1).putInt(100).flip();
        AgentCodec codec = new AgentCodec();
        codec.feed(b);
        assertThatThrownBy(codec::next).isInstanceOf(AgentProtocolException.class).hasMessageContaining("longer than its frame");
    }

    @Test
    void truncatedFieldHeaderIsAProtocolError() {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(7).putInt(5).put((byte) 128).put((byte) 1).put((byte) 0).flip();
        AgentCodec codec = new AgentCodec();
        codec.feed(b);
        assertThatThrownBy(codec::next).hasMessageContaining("truncated field header");
    }

    @Test
    void largeFramesGrowTheBuffer() {
        byte[] big = new byte[3 << 20];
        big[big.length - 1] = 42;
        AgentCodec codec = new AgentCodec();
        codec.feed(AgentCodec.encode(AgentFrame.builder(2, Protocol.OK).bytes(Protocol.DATA, big).build()));
        assertThat(codec.next().orElseThrow().first(Protocol.DATA).orElseThrow()).hasSize(big.length).endsWith(42);
    }

    @Test
    void wrongWidthIntegerFieldIsReported() {
        AgentFrame f = AgentFrame.builder(1, Protocol.OK).bytes(Protocol.EXIT, new byte[] {1}).build();
        assertThatThrownBy(() -> f.u32(Protocol.EXIT)).isInstanceOf(AgentProtocolException.class);
    }
}
