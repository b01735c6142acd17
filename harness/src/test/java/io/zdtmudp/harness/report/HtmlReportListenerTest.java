package io.zdtmudp.harness.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;


import io.zdtmudp.harness.guest.ArtifactPaths;
import io.zdtmudp.harness.junit.FakeVm;
import io.zdtmudp.harness.junit.InnerTest;
import io.zdtmudp.harness.vm.VmFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Launches a small sample run through the Launcher API and reads the written page back as XML. */
class HtmlReportListenerTest {
    private static final String SAMPLE = "zdtm.report.sample";
    /** The sample's artifact directory, set before each launch (test methods cannot see configuration). */
    private static volatile Path artifactsDir;

    @TempDir
    Path tmp;

    enum RestorePath { RAW, KERNEL }

    enum Family { INET, INET6 }

    /** Only inside the launcher run below: on their own the samples would fail on purpose. */
    static class OnlyInSample implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(SAMPLE).isPresent()
                    ? ConditionEvaluationResult.enabled("sample run") : ConditionEvaluationResult.disabled("sample only");
        }
    }

    @ExtendWith(OnlyInSample.class)
    @ParameterizedClass
    @EnumSource(RestorePath.class)
    static class QueueSample {
        @Parameter
        RestorePath path;

        @ParameterizedTest
        @EnumSource(Family.class)
        void queueSurvives(Family family, TestReporter reporter) {
            if (path == RestorePath.KERNEL && family == Family.INET6) {
                // What ZdtmExtension publishes for a failed test: the directory of its artifacts.
                reporter.publishEntry(RunRecord.ARTIFACTS_KEY, artifactsDir.toString());
                fail("queue of rx after restore: expected 3 datagrams, got 2 <lost>");
            }
        }

        @TestFactory
        Stream<DynamicTest> upstream() {
            return Stream.of("h", "ns").map(f -> DynamicTest.dynamicTest("zdtm/static/socket_udp [" + f + "]", () -> { }));
        }

        @Test
        @Disabled("not on this kernel")
        void corked() {
        }
    }

    /** The restore paths as @Nested classes, the way UdpReceiveQueueIT runs its cases. */
    @ExtendWith(OnlyInSample.class)
    static class NestedSample {
        abstract static class Cases {
            @ParameterizedTest
            @EnumSource(Family.class)
            void queueSurvives(Family family, TestReporter reporter) {
                // What ZdtmExtension publishes for every test: the guest kernel's release.
                reporter.publishEntry(RunRecord.KERNEL_KEY, family == Family.INET ? "7.2.8" : "6.1.192");
            }
        }

        @Nested
        @DisplayName("restore through RAW")
        class RawPath extends Cases {
        }

        @Nested
        @DisplayName("restore through KERNEL")
        class KernelPath extends Cases {
        }
    }

    /** A test that spent 250 of its (at least) 400 ms waiting, as ZdtmExtension reports it. */
    @ExtendWith(OnlyInSample.class)
    static class TimedSample {
        @Test
        void waits(TestReporter reporter) throws InterruptedException {
            Thread.sleep(400);
            reporter.publishEntry(Map.of(RunRecord.TIME_VM_KEY, "50", RunRecord.TIME_CRIU_KEY, "100",
                    RunRecord.TIME_GUEST_KEY, "100", RunRecord.TIME_SETUP_KEY, "30"));
            reporter.publishEntry("peek walk", "512 of 8192 datagrams in 2 ms");
        }

        @Test
        void hasNoGuest() {
        }
    }

    @Test
    void theHarnessShareOfATestIsItsWallTimeLessWhatItWaitedForAndThePageSumsItUp() throws Exception {
        Path html = launch(selectClass(TimedSample.class), Map.of(SAMPLE, "true"), Map.of());
        Document doc = parse(html);
        Element timed = select(doc, "//table[@id='details']/tbody/tr[@data-case='waits']").get(0);
        assertThat(timed.getAttribute("data-criu-ms")).isEqualTo("100");
        assertThat(timed.getAttribute("data-guest-ms")).isEqualTo("100");
        assertThat(timed.getAttribute("data-vm-ms")).isEqualTo("50");
        assertThat(timed.getAttribute("data-setup-ms")).isEqualTo("30");
        assertThat(select(doc, "//tr[@data-case='waits']/td[@class='msg']").get(0).getTextContent())
                .as("what the test itself published, beside its verdict").isEqualTo("peek walk: 512 of 8192 datagrams in 2 ms");
        long wallMs = Math.round(Double.parseDouble(select(doc, "//table[@id='details']/tbody/tr[@data-case='waits']/td[5]")
                .get(0).getTextContent()) * 1000);
        long harnessMs = Long.parseLong(select(doc, "//tr[@data-case='waits']/td[@data-harness]").get(0).getAttribute("data-harness"));
        assertThat(harnessMs).isGreaterThanOrEqualTo(140).isBetween(wallMs - 250 - 10, wallMs - 250 + 10);
        assertThat(select(doc, "//tr[@data-case='hasNoGuest']/td[@data-harness]")).isEmpty();
        assertThat(select(doc, "//table[@id='overhead']//td[@data-overhead='tests']").get(0).getTextContent()).isEqualTo("1");
        assertThat(select(doc, "//table[@id='overhead']//td[@data-overhead='over']").get(0).getTextContent()).isEqualTo("0");

        // a merged page keeps each row's split
        Path merged = MergedReport.write(tmp.resolve("merged"), List.of(MergedReport.read(html)));
        Element again = select(parse(merged), "//table[@id='details']/tbody/tr[@data-case='waits']").get(0);
        assertThat(again.getAttribute("data-criu-ms")).isEqualTo("100");
        assertThat(again.getAttribute("data-vm-ms")).isEqualTo("50");
        assertThat(again.getAttribute("data-setup-ms")).isEqualTo("30");
    }

    @Test
    void nestedClassesOfATestClassAreFlavorsOfItsCasesAndThePageNamesTheGuestKernels() throws Exception {
        Document doc = parse(launch(selectClass(NestedSample.class), Map.of(SAMPLE, "true"), Map.of()));
        assertThat(select(doc, "//p").get(0).getTextContent()).endsWith("; guest kernel 6.1.192, 7.2.8");
        List<Element> rows = select(doc, "//table[@id='details']/tbody/tr");
        assertThat(rows).extracting(r -> r.getAttribute("data-class") + " " + r.getAttribute("data-case") + " "
                + r.getAttribute("data-flavor")).containsExactlyInAnyOrder(
                "HtmlReportListenerTest.NestedSample queueSurvives restore through RAW / INET",
                "HtmlReportListenerTest.NestedSample queueSurvives restore through RAW / INET6",
                "HtmlReportListenerTest.NestedSample queueSurvives restore through KERNEL / INET",
                "HtmlReportListenerTest.NestedSample queueSurvives restore through KERNEL / INET6");
    }

    private Path runSample(Map<String, String> extra) throws IOException {
        Path artifacts = Files.createDirectories(tmp.resolve("zdtm-artifacts").resolve("QueueSample").resolve("queueSurvives-KERNEL"));
        Files.writeString(artifacts.resolve("console.log"), "guest console\n");
        Files.writeString(artifacts.resolve("criu-dump-1.log"), "criu says\n");
        artifactsDir = artifacts;
        return launch(selectClass(QueueSample.class), Map.of(SAMPLE, "true"), extra);
    }

    private Path launch(DiscoverySelector selector, Map<String, String> params, Map<String, String> extra) {
        Path reportDir = tmp.resolve("zdtm-report");
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false)
                // A sharded run (-Dzdtm.shard) must not shard this sample run too.
                .enablePostDiscoveryFilterAutoRegistration(false)
                .addTestExecutionListeners(new HtmlReportListener()).build());
        launcher.execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selector)
                .configurationParameters(params)
                .configurationParameter(HtmlReportListener.DIR_PROPERTY, reportDir.toString())
                .configurationParameter("junit.platform.reporting.output.dir", tmp.resolve("open-test-reports").toString())
                .configurationParameters(extra)
                .build());
        return reportDir.resolve(HtmlReportListener.FILE_NAME);
    }

    private static Document parse(Path html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        return f.newDocumentBuilder().parse(html.toFile());
    }

    private static List<Element> select(Document doc, String xpath) throws Exception {
        NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    @Test
    void oneRowPerCaseAndFlavorWithVerdictsTotalsAndLinksToTheFailedOnesArtifacts() throws Exception {
        Path html = runSample(Map.of());
        Document doc = parse(html);

        List<Element> rows = select(doc, "//table[@id='details']/tbody/tr");
        List<String> seen = rows.stream().map(r -> r.getAttribute("data-case") + " " + r.getAttribute("data-flavor") + " "
                + r.getAttribute("data-verdict")).toList();
        assertThat(seen).containsExactlyInAnyOrder(
                "queueSurvives path = RAW / INET PASSED",
                "queueSurvives path = RAW / INET6 PASSED",
                "queueSurvives path = KERNEL / INET PASSED",
                "queueSurvives path = KERNEL / INET6 FAILED",
                "corked path = RAW SKIPPED",
                "corked path = KERNEL SKIPPED",
                "upstream zdtm/static/socket_udp path = RAW / h PASSED",
                "upstream zdtm/static/socket_udp path = RAW / ns PASSED",
                "upstream zdtm/static/socket_udp path = KERNEL / h PASSED",
                "upstream zdtm/static/socket_udp path = KERNEL / ns PASSED");
        assertThat(rows).allSatisfy(r -> assertThat(r.getAttribute("data-class")).isEqualTo("HtmlReportListenerTest.QueueSample"));

        Element failed = rows.stream().filter(r -> r.getAttribute("data-verdict").equals("FAILED")).findFirst().orElseThrow();
        assertThat(failed.getTextContent()).contains("expected 3 datagrams, got 2 <lost>");
        List<Element> links = select(doc, "//table[@id='details']/tbody/tr[@data-verdict='FAILED']//a");
        assertThat(links).extracting(Element::getTextContent).containsExactly("console.log", "criu-dump-1.log");
        for (Element a : links) {
            Path target = html.getParent().resolve(new URI(a.getAttribute("href")).getPath()).normalize();
            assertThat(target).as("link %s", a.getAttribute("href")).isRegularFile();
        }
        assertThat(select(doc, "//table[@id='details']/tbody/tr[@data-verdict='PASSED']//a")).isEmpty();
        Element skipped = rows.stream().filter(r -> r.getAttribute("data-verdict").equals("SKIPPED")).findFirst().orElseThrow();
        assertThat(skipped.getTextContent()).contains("not on this kernel");

        assertThat(select(doc, "//td[@data-total='rows']").get(0).getTextContent()).isEqualTo("10");
        assertThat(select(doc, "//td[@data-total='passed']").get(0).getTextContent()).isEqualTo("7");
        assertThat(select(doc, "//td[@data-total='failed']").get(0).getTextContent()).isEqualTo("1");
        assertThat(select(doc, "//td[@data-total='skipped']").get(0).getTextContent()).isEqualTo("2");

        // The matrix: case rows, one column per flavor, a verdict in each cell.
        List<Element> cells = select(doc, "//table[@class='matrix']//tr[td[1]='queueSurvives']/td[@data-flavor]");
        assertThat(cells).extracting(c -> c.getAttribute("data-flavor") + "=" + c.getTextContent()).containsExactlyInAnyOrder(
                "path = RAW / INET=passed", "path = RAW / INET6=passed",
                "path = KERNEL / INET=passed", "path = KERNEL / INET6=failed");
    }

    /** The real producer of artifacts: ZdtmExtension on a fake VM, as in ZdtmExtensionTest, with a test that fails. */
    @Test
    void linksTheArtifactsZdtmExtensionWritesForAFailedTest() throws Exception {
        Path artifacts = tmp.resolve("zdtm-artifacts");
        Path html = launch(selectClass("io.zdtmudp.harness.junit.ZdtmExtensionTest$Failing"), Map.of(
                InnerTest.PARAMETER, "true",
                VmFactory.PROPERTY, FakeVm.Factory.class.getName(),
                ArtifactPaths.PROPERTY, artifacts.toString()), Map.of());
        Document doc = parse(html);
        List<Element> rows = select(doc, "//table[@id='details']/tbody/tr");
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.getAttribute("data-case")).isEqualTo("fails");
            assertThat(r.getAttribute("data-verdict")).isEqualTo("FAILED");
            assertThat(r.getTextContent()).contains("queue differs");
        });
        List<Element> links = select(doc, "//table[@id='details']/tbody/tr//a");
        assertThat(links).extracting(Element::getTextContent).contains("console.log", "failure.txt", "note.txt", "dmesg.txt");
        for (Element a : links) {
            Path target = html.getParent().resolve(new URI(a.getAttribute("href")).getPath()).normalize();
            assertThat(target).as("link %s", a.getAttribute("href")).isRegularFile()
                    .startsWith(artifacts.resolve("io.zdtmudp.harness.junit.ZdtmExtensionTest$Failing"));
        }
    }

    @Test
    void selfContainedNoScriptNoRemoteResources() throws Exception {
        String text = Files.readString(runSample(Map.of()));
        assertThat(text).contains("<style>").doesNotContain("<script").doesNotContain("src=").doesNotContain("href=\"http")
                .doesNotContain("<link");
    }

    @Test
    void turnedOffByZdtmReportFalse() throws Exception {
        assertThat(runSample(Map.of(HtmlReportListener.ENABLED_PROPERTY, "false"))).doesNotExist();
    }

    @Test
    void registeredForServiceLoaderSoEveryLauncherFindsIt() {
        assertThat(java.util.ServiceLoader.load(org.junit.platform.launcher.TestExecutionListener.class).stream()
                .map(p -> p.type().getName())).contains(HtmlReportListener.class.getName());
    }
}

