package io.zdtmudp.harness.crit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.zdtmudp.harness.images.ImageBytes;
import io.zdtmudp.harness.images.ImageReader;
import io.zdtmudp.harness.images.proto.CriuImageProto.InventoryEntry;
import io.zdtmudp.harness.images.proto.CriuImageProto.PstreeEntry;
import io.zdtmudp.harness.images.proto.UdpQueueProto.udp_dgram_entry;
import io.zdtmudp.harness.images.proto.UdpQueueProto.udp_queue_entry;
import io.zdtmudp.harness.net.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CritTest {
    /** CRIU's magics for these kinds (criu/include/magic.h); the udp queue one is our series'. */
    private static final int INVENTORY = 0x58313116;
    private static final int PSTREE = 0x50273030;
    private static final int MM = 0x57492820;
    private static final int UDP_QUEUE = 0x58295409;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void dump() throws IOException {
        writeInventory(InventoryEntry.newBuilder().setImgVersion(2).build().toByteArray());
        write("pstree.img", ImageReader.COMMON_MAGIC, PSTREE, PstreeEntry.newBuilder().setPid(42).setPpid(1).build().toByteArray());
        write("mm-42.img", ImageReader.COMMON_MAGIC, MM, new byte[] {8, 1});
        byte[] pages = new byte[4096];
        Arrays.fill(pages, (byte) 0xcc);
        Files.write(dir.resolve("pages-1.img"), pages);
        Files.write(dir.resolve("udp-queue-9.img"), queue(false));
    }

    /** As CRIU writes it: the inventory magic alone, no common magic before it. */
    private void writeInventory(byte[] entry) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(ImageBytes.le(INVENTORY));
        ImageBytes.entry(b, entry);
        Files.write(dir.resolve("inventory.img"), b.toByteArray());
    }

    private void write(String name, int head, int magic, byte[] entry) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(ImageBytes.le(head, magic));
        ImageBytes.entry(b, entry);
        Files.write(dir.resolve(name), b.toByteArray());
    }

    /** Two datagrams, "hello" from 127.0.0.1:7001 and five binary bytes from 127.0.0.2:7002; {@code truncate} cuts the last payload. */
    private static byte[] queue(boolean truncate) {
        byte[][] payloads = {"hello".getBytes(StandardCharsets.US_ASCII), {0, 1, 2, (byte) 0xfe, (byte) 0xff}};
        String[] sources = {"127.0.0.1", "127.0.0.2"};
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(ImageBytes.le(ImageReader.COMMON_MAGIC, UDP_QUEUE));
        ImageBytes.entry(b, udp_queue_entry.newBuilder().setId(9).setFamily(2).setProto(17).setDgramCount(2)
                .setTotalBytes(10).setPeekOff(-1).build().toByteArray());
        for (int i = 0; i < 2; i++) {
            ImageBytes.entry(b, udp_dgram_entry.newBuilder()
                    .setSrcAddr(ByteString.copyFrom(Endpoint.parse(sources[i], 0).address())).setSrcPort(7001 + i)
                    .setDstAddr(ByteString.copyFrom(Endpoint.parse("127.0.0.1", 0).address())).setLen(5)
                    .build().toByteArray());
            b.writeBytes(payloads[i]);
        }
        byte[] all = b.toByteArray();
        return truncate ? Arrays.copyOf(all, all.length - 2) : all;
    }

    private int crit(String... args) {
        return Crit.execute(new PrintWriter(out), new PrintWriter(err), args);
    }

    private JsonObject image(JsonObject json, String file) {
        for (var e : json.getAsJsonArray("images")) {
            if (e.getAsJsonObject().get("file").getAsString().equals(file)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError(file + " not listed in " + json);
    }

    @Test
    void decodeListsEveryImageAndDecodesTheQueueWithAddressesPortsLengthsAndHexPayloads() {
        assertThat(crit("decode", dir.toString())).as(err.toString()).isZero();
        JsonObject json = JsonParser.parseString(out.toString()).getAsJsonObject();

        assertThat(json.get("bytes").getAsString()).isEqualTo("hex");
        assertThat(json.getAsJsonArray("images")).hasSize(5);
        JsonArray dgrams = image(json, "udp-queue-9.img").getAsJsonObject("entries").getAsJsonArray("datagrams");
        assertThat(dgrams).hasSize(2);
        JsonObject second = dgrams.get(1).getAsJsonObject();
        assertThat(second.get("source").getAsString()).isEqualTo("127.0.0.2:7002");
        assertThat(second.get("destination").getAsString()).isEqualTo("127.0.0.1");
        assertThat(second.getAsJsonObject("entry").get("src_port").getAsInt()).isEqualTo(7002);
        assertThat(second.getAsJsonObject("entry").get("len").getAsInt()).isEqualTo(5);
        assertThat(second.get("payload").getAsString()).isEqualTo("000102feff");
        assertThat(dgrams.get(0).getAsJsonObject().get("payload").getAsString())
                .isEqualTo(HexFormat.of().formatHex("hello".getBytes(StandardCharsets.US_ASCII)));
        assertThat(image(json, "pstree.img").getAsJsonArray("entries").get(0).getAsJsonObject().get("pid").getAsInt()).isEqualTo(42);
        assertThat(image(json, "inventory.img").get("magic").getAsString()).isEqualTo("0x58313116");
        assertThat(image(json, "inventory.img").getAsJsonArray("entries").get(0).getAsJsonObject().get("img_version").getAsInt())
                .isEqualTo(2);
    }

    @Test
    void imagesTheHarnessDoesNotDecodeAreListedWithMagicAndSize() {
        assertThat(crit("decode", dir.toString())).isZero();
        JsonObject json = JsonParser.parseString(out.toString()).getAsJsonObject();
        JsonObject mm = image(json, "mm-42.img");
        assertThat(mm.get("magic").getAsString()).isEqualTo("0x57492820");
        assertThat(mm.get("size").getAsLong()).isEqualTo(8 + 4 + 2);
        assertThat(mm.get("decoded").getAsBoolean()).isFalse();
        JsonObject pages = image(json, "pages-1.img");
        assertThat(pages.get("magic").getAsString()).startsWith("none");
        assertThat(pages.get("size").getAsLong()).isEqualTo(4096);
    }

    @Test
    void showSummarisesEachImageAndTheQueuedDatagrams() {
        assertThat(crit("show", dir.toString())).as(err.toString()).isZero();
        JsonObject json = JsonParser.parseString(out.toString()).getAsJsonObject();
        JsonObject q = image(json, "udp-queue-9.img");
        assertThat(q.get("entries").getAsInt()).isEqualTo(2);
        assertThat(q.get("bytes_queued").getAsInt()).isEqualTo(10);
        assertThat(q.getAsJsonArray("datagrams").get(0).getAsString()).isEqualTo("127.0.0.1:7001 -> 127.0.0.1, 5 bytes: \"hello\"");
        assertThat(q.getAsJsonArray("datagrams").get(1).getAsString()).endsWith("5 bytes: hex 000102feff");
        assertThat(image(json, "pstree.img").get("entries").getAsInt()).isEqualTo(1);
    }

    @Test
    void oneImageFileAlone() {
        assertThat(crit("decode", dir.resolve("udp-queue-9.img").toString())).isZero();
        JsonObject json = JsonParser.parseString(out.toString()).getAsJsonObject();
        assertThat(json.getAsJsonArray("images")).hasSize(1);
    }

    @Test
    void aCorruptImageNamesItsFileAndOffsetAndFailsWithExitCodeOneButTheOthersStillPrint() throws IOException {
        byte[] cut = queue(true);
        Files.write(dir.resolve("udp-queue-9.img"), cut);
        assertThat(crit("decode", dir.toString())).isEqualTo(Crit.CORRUPT);
        // The last payload starts 3 bytes before the cut end: 5 bytes claimed, 3 left.
        assertThat(err.toString()).contains("udp-queue-9.img at byte " + (cut.length - 3))
                .contains("truncated payload of datagram 1");
        JsonObject json = JsonParser.parseString(out.toString()).getAsJsonObject();
        assertThat(image(json, "udp-queue-9.img").get("error").getAsString()).contains("at byte");
        assertThat(image(json, "pstree.img").has("entries")).isTrue();
    }

    @Test
    void aMissingDirectoryIsExitCodeThreeWithItsName() {
        Path missing = dir.resolve("nope");
        assertThat(crit("show", missing.toString())).isEqualTo(Crit.NO_INPUT);
        assertThat(err.toString()).contains("no such file or directory: " + missing);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aDirectoryWithoutImagesIsExitCodeThree() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThat(crit("decode", empty.toString())).isEqualTo(Crit.NO_INPUT);
        assertThat(err.toString()).contains("holds no CRIU images");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(crit()).isEqualTo(Crit.USAGE);
        assertThat(err.toString()).contains("show").contains("decode");
        assertThat(crit("decode")).isEqualTo(Crit.USAGE);
    }
}
