package io.zdtmudp.harness.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pages as two shards leave them, merged, and read back. */
class MergedReportTest {
    @TempDir
    Path tmp;

    private Path page(String dirName, String subtitle, Duration wall, ReportRow... rows) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(dirName));
        Files.writeString(dir.resolve("index.html"), HtmlReport.render("zdtm-udp test run", subtitle, List.of(rows), wall, dir),
                StandardCharsets.UTF_8);
        return dir;
    }

    @Test
    void everyRowOfEveryShardIsThereWithItsArtifacts() throws IOException {
        Path log = Files.createDirectories(tmp.resolve("shard-2/zdtm-artifacts/Cork/oneDatagram")).resolve("criu dump.log");
        Files.writeString(log, "dump failed\n");
        Path one = page("shard-1", "finished x in /a; guest kernel 7.2.8", Duration.ofSeconds(90),
                new ReportRow("UdpReceiveQueueIT.KernelPath", "oneDatagram", "INET", Verdict.PASSED, Duration.ofMillis(1500), "", List.of()),
                new ReportRow("UdpReceiveQueueIT.KernelPath", "oneDatagram", "INET6", Verdict.SKIPPED, Duration.ZERO, "no IPv6 <here>",
                        List.of()));
        Path two = page("shard-2", "finished y in /a; guest kernel 7.2.8", Duration.ofSeconds(120),
                new ReportRow("UdpCorkIT", "corked", "", Verdict.FAILED, Duration.ofMillis(2250), "expected 3 & got 2", List.of(log)));

        Path merged = MergedReport.write(tmp.resolve("merged"), List.of(MergedReport.read(one), MergedReport.read(two)));

        MergedReport.Part back = MergedReport.read(merged);
        assertThat(back.rows()).extracting(ReportRow::testClass, ReportRow::testCase, ReportRow::flavor, ReportRow::verdict,
                ReportRow::duration, ReportRow::message).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("UdpReceiveQueueIT.KernelPath", "oneDatagram", "INET", Verdict.PASSED,
                                Duration.ofMillis(1500), ""),
                        org.assertj.core.groups.Tuple.tuple("UdpReceiveQueueIT.KernelPath", "oneDatagram", "INET6", Verdict.SKIPPED,
                                Duration.ZERO, "no IPv6 <here>"),
                        org.assertj.core.groups.Tuple.tuple("UdpCorkIT", "corked", "", Verdict.FAILED, Duration.ofMillis(2250),
                                "expected 3 & got 2"));
        // The link still reaches the shard's own file, with a space in its name.
        assertThat(back.rows().get(2).artifacts()).containsExactly(log.toAbsolutePath().normalize());
        assertThat(Files.readString(back.rows().get(2).artifacts().get(0))).isEqualTo("dump failed\n");
        assertThat(back.wall()).isEqualTo(Duration.ofSeconds(120));
        assertThat(back.kernel()).isEqualTo("7.2.8");
        assertThat(back.subtitle()).contains("merged from 2 runs", "shard-1/index.html: 2 rows", "shard-2/index.html: 1 rows");
    }

    @Test
    void runsOnDifferentKernelsKeepTheirKernelInTheClass() throws IOException {
        ReportRow row = new ReportRow("UdpCorkIT", "corked", "", Verdict.PASSED, Duration.ofSeconds(1), "", List.of());
        Path a = page("k72", "finished x in /a; guest kernel 7.2.8", Duration.ofSeconds(1), row);
        Path b = page("k61", "finished x in /a; guest kernel 6.1.176", Duration.ofSeconds(1), row);
        MergedReport.Part back = MergedReport.read(MergedReport.write(tmp.resolve("m"), List.of(MergedReport.read(a), MergedReport.read(b))));
        assertThat(back.rows()).extracting(ReportRow::testClass).containsExactly("UdpCorkIT [7.2.8]", "UdpCorkIT [6.1.176]");
        assertThat(back.kernel()).isEqualTo("7.2.8, 6.1.176");
    }

    @Test
    void runsInDifferentModesAndFlavorsStandSideBySide() throws IOException {
        ReportRow ok = new ReportRow("UdpCorkIT", "corked", "INET", Verdict.PASSED, Duration.ofSeconds(1), "", List.of());
        ReportRow bad = new ReportRow("UdpCorkIT", "corked", "INET", Verdict.FAILED, Duration.ofSeconds(1), "lost", List.of());
        Path plain = page("plain", "finished x in /a; mode plain; flavor h; guest kernel 7.2.8", Duration.ofSeconds(1), ok);
        Path preNs = page("pre-ns", "finished x in /a; mode pre; flavor ns; guest kernel 7.2.8", Duration.ofSeconds(1), bad);
        Path older = page("older", "finished x in /a; guest kernel 7.2.8", Duration.ofSeconds(1), ok);

        Path merged = MergedReport.write(tmp.resolve("m"),
                List.of(MergedReport.read(plain), MergedReport.read(preNs), MergedReport.read(older)));

        // read back, each row keeps the run it came from, though the merged page's own subtitle names none
        MergedReport.Part back = MergedReport.read(merged);
        assertThat(back.rows()).extracting(ReportRow::run, ReportRow::verdict).containsExactly(
                org.assertj.core.groups.Tuple.tuple("plain / h", Verdict.PASSED),
                org.assertj.core.groups.Tuple.tuple("pre / ns", Verdict.FAILED),
                org.assertj.core.groups.Tuple.tuple("", Verdict.PASSED));
        String html = Files.readString(merged);
        assertThat(html).contains("<h2>Cases x modes x flavors</h2>",
                "<tr><td>UdpCorkIT corked [INET]</td><td class=\"passed\" data-run=\"plain / h\">passed</td>"
                        + "<td class=\"failed\" data-run=\"pre / ns\">failed</td><td class=\"passed\" data-run=\"\">passed</td></tr>");
        // a single run's page has no such table
        assertThat(Files.readString(plain.resolve("index.html"))).doesNotContain("Cases x modes x flavors");
    }

    @Test
    void aPageThatIsNotOursIsRefusedByName() throws IOException {
        Path other = Files.writeString(tmp.resolve("other.html"), "<html><body><p>hi</p></body></html>");
        assertThatThrownBy(() -> MergedReport.read(other)).isInstanceOf(IOException.class)
                .hasMessageContaining("other.html is not a zdtm-udp report page");
        Path broken = Files.writeString(tmp.resolve("broken.html"), "<html><body>");
        assertThatThrownBy(() -> MergedReport.read(broken)).hasMessageContaining("broken.html is not a zdtm-udp report page");
        assertThatThrownBy(() -> MergedReport.read(tmp.resolve("absent"))).hasMessageContaining("no report page at");
    }
}
