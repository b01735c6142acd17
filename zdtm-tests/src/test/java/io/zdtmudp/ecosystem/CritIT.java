package io.zdtmudp.ecosystem;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.images.CriuImages;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.net.Payload;
import io.zdtmudp.harness.udp.UdpRun;
import io.zdtmudp.harness.udp.UdpScenario;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue #7: zdtm-crit on a real dump. The udpq workload queues datagrams in the guest, CRIU dumps it, the
 * images come to the host through the 9p share, and the CLI (as a separate process, through its launcher)
 * must print the queued bytes and their sources.
 */
@ZdtmVm
class CritIT {
    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(IpFamily.class)
    void decodeAndShowPrintTheQueuedPayloadsAndSourcesOfARealDump(IpFamily family, Guest guest) throws Exception {
        var s = new UdpScenario();
        var rx = s.socket("rx", family).bind(family.loopback().withPort(7000)).pktinfo();
        var tx1 = s.socket("tx1", family).bind(family.loopback().withPort(7001));
        var tx2 = s.socket("tx2", family).bind(family.loopback().withPort(7002));
        s.send(tx1, rx, Payload.text("hello crit"));
        s.send(tx2, rx, Payload.of(new byte[] {0, 1, (byte) 0x80, (byte) 0xff}));
        s.send(tx1, rx, Payload.generated(1200, 7));
        List<Datagram> sent = s.queueOf(rx);

        try (var run = UdpRun.start(guest, s)) {
            CriuImages images = run.checkpoint();
            String queueImage = String.format("udp-queue-%x.img", run.savedSocket(rx).getId());
            Path dir = images.directory();
            guest.attach("images-dir.txt", dir.toString());

            CritCli decode = CritCli.run(work, "decode", dir.toString());
            guest.attach("crit-decode.json", decode.stdout());
            assertThat(decode.exitCode()).as("exit code; stderr: %s", decode.stderr()).isZero();
            JsonObject json = JsonParser.parseString(decode.stdout()).getAsJsonObject();
            assertThat(names(json)).as("every image of the dump is listed").containsAll(images.imageNames());
            JsonArray dgrams = image(json, queueImage).getAsJsonObject("entries").getAsJsonArray("datagrams");
            assertThat(dgrams).hasSize(sent.size());
            for (int i = 0; i < sent.size(); i++) {
                JsonObject d = dgrams.get(i).getAsJsonObject();
                assertThat(d.get("payload").getAsString()).as("payload of datagram %d", i)
                        .isEqualTo(HexFormat.of().formatHex(sent.get(i).payload().bytes()));
                assertThat(d.get("source").getAsString()).as("source of datagram %d", i).isEqualTo(sent.get(i).source().toString());
                assertThat(d.getAsJsonObject("entry").get("src_port").getAsInt()).isEqualTo(sent.get(i).source().port());
                assertThat(d.getAsJsonObject("entry").get("len").getAsInt()).isEqualTo(sent.get(i).payload().length());
            }
            assertThat(image(json, "pstree.img").getAsJsonArray("entries").get(0).getAsJsonObject().get("pid").getAsInt())
                    .isEqualTo(run.pid());

            CritCli show = CritCli.run(work, "show", dir.toString());
            guest.attach("crit-show.json", show.stdout());
            assertThat(show.exitCode()).as("exit code; stderr: %s", show.stderr()).isZero();
            JsonObject summary = image(JsonParser.parseString(show.stdout()).getAsJsonObject(), queueImage);
            assertThat(summary.get("entries").getAsInt()).isEqualTo(3);
            assertThat(summary.getAsJsonArray("datagrams").get(0).getAsString())
                    .startsWith(sent.get(0).source() + " -> ").endsWith("10 bytes: \"hello crit\"");

            run.restore();
            run.finish();
        }
    }

    private static List<String> names(JsonObject json) {
        return StreamSupport.stream(json.getAsJsonArray("images").spliterator(), false)
                .map(e -> e.getAsJsonObject().get("file").getAsString()).toList();
    }

    private static JsonObject image(JsonObject json, String file) {
        for (JsonElement e : json.getAsJsonArray("images")) {
            if (e.getAsJsonObject().get("file").getAsString().equals(file)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError(file + " not in zdtm-crit's output: " + names(json));
    }
}
