package io.zdtmudp.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.zdtmudp.harness.guest.ArtifactPaths;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.guest.VmPool;
import io.zdtmudp.harness.vm.VmFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.OutputDirectoryCreator;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.EventType;
import org.junit.platform.testkit.engine.Events;

/** The extension's lifecycle, run through EngineTestKit against {@link FakeVm}: fast and without QEMU. */
class ZdtmExtensionTest {
    @TempDir
    Path artifacts;

    @TempDir
    Path reports;

    @BeforeEach
    void reset() {
        FakeVm.reset();
    }

    private EngineTestKit.Builder kit(DiscoverySelector... selectors) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameters(Map.of(
                        InnerTest.PARAMETER, "true",
                        VmFactory.PROPERTY, FakeVm.Factory.class.getName(),
                        ArtifactPaths.PROPERTY, artifacts.toString()))
                .outputDirectoryCreator(new OutputDirectoryCreator() {
                    @Override
                    public Path getRootDirectory() {
                        return reports;
                    }

                    @Override
                    public Path createOutputDirectory(TestDescriptor descriptor) throws java.io.IOException {
                        return Files.createDirectories(reports.resolve(Integer.toHexString(descriptor.getUniqueId().hashCode())));
                    }
                })
                .selectors(selectors);
    }

    @InnerTest
    @ZdtmVm
    static class Passing {
        @Test
        void runsInItsOwnNetns(Guest guest) {
            assertThat(guest.netns()).isEqualTo("/run/netns/" + guest.netnsName());
            guest.run("ip", "-o", "link");
            assertThat(FakeVm.COMMANDS).contains("ip -o link [" + guest.netns() + "]");
            assertThat(guest.hostDir()).isDirectory();
            assertThat(guest.guestShareDir()).isEqualTo("/mnt/host/t" + guest.id());
        }

        @Test
        void criuIsBoundToTheNetns(Guest guest) {
            guest.criu().check();
            assertThat(FakeVm.COMMANDS).contains("/usr/sbin/criu check [" + guest.netns() + "]");
        }
    }

    @InnerTest
    @ZdtmVm
    static class TakesItsTime {
        @Test
        void waitsForTheGuestThenForCriu(Guest guest) {
            guest.run("true", "fake-delay-ms=1500");
            guest.criu().check("fake-delay-ms=500");
        }
    }

    @Test
    void eachTestReportsTheTimeItWaitedForCriuApartFromTheGuestsOtherCommands() {
        List<Map<String, String>> entries = kit(selectClass(TakesItsTime.class)).execute().allEvents().reportingEntryPublished()
                .map(e -> e.getPayload(org.junit.platform.engine.reporting.ReportEntry.class).orElseThrow().getKeyValuePairs())
                .filter(m -> m.containsKey(ZdtmExtension.TIME_CRIU_KEY)).toList();
        assertThat(entries).hasSize(1);
        long criu = Long.parseLong(entries.get(0).get(ZdtmExtension.TIME_CRIU_KEY));
        long guest = Long.parseLong(entries.get(0).get(ZdtmExtension.TIME_GUEST_KEY));
        long vm = Long.parseLong(entries.get(0).get(ZdtmExtension.TIME_VM_KEY));
        // criu check's 500 ms are CRIU's alone; the 1500 ms command and the netns set-up are the guest's: either
        // bound is broken by the other's delay counted on the wrong side
        assertThat(criu).isGreaterThanOrEqualTo(500L).isLessThan(1500L);
        assertThat(guest).isGreaterThanOrEqualTo(1500L).isLessThan(2000L);
        assertThat(vm).isNotNegative();
        // the netns, work directory and health check around it: the fake answers them at once
        assertThat(Long.parseLong(entries.get(0).get(ZdtmExtension.TIME_SETUP_KEY))).isBetween(0L, 1000L);
    }

    @Test
    void eachTestGetsAFreshNetnsAndWorkDirRemovedAfterwards() {
        kit(selectClass(Passing.class)).execute().testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(FakeVm.COMMANDS).filteredOn(c -> c.contains("netns add")).hasSize(2)
                .allMatch(c -> c.matches("(?s).*ip netns add z\\d+ && /usr/sbin/ip -n z\\d+ link set lo up.*mkdir -p /tmp/zdtm/\\d+.*"));
        assertThat(FakeVm.COMMANDS).filteredOn(c -> c.contains("ip netns del z") && c.contains("kill -9")).hasSize(2);
        assertThat(FakeVm.CREATED).hasValue(1);
        assertThat(FakeVm.CLOSED).as("the run's VM is closed with the root store").hasValue(1);
        assertThat(artifacts).isEmptyDirectory();
    }

    @InnerTest
    @ZdtmVm
    static class Failing {
        @Test
        void fails(Guest guest) {
            guest.attach("note.txt", "what the test saw");
            guest.criu().check();
            throw new AssertionError("queue differs");
        }
    }

    @Test
    void aFailureWritesAndPublishesConsoleCriuLogsDmesgAndAttachments() {
        Events events = kit(selectClass(Failing.class)).execute().allEvents();
        events.assertThatEvents().haveExactly(1, event(test("fails"), finishedWithFailure(message("queue differs"))));
        Path dir = artifacts.resolve(Failing.class.getName()).resolve("fails");
        assertThat(dir.resolve("failure.txt")).content().contains("queue differs");
        assertThat(dir.resolve("console.log")).content().contains("fake console line 2");
        assertThat(dir.resolve("note.txt")).hasContent("what the test saw");
        assertThat(dir.resolve("criu-check-1.log")).exists();
        assertThat(dir.resolve("dmesg.txt")).exists();
        assertThat(events.filter(e -> e.getType() == EventType.FILE_ENTRY_PUBLISHED).count())
                .as("every artifact is published as a report file").isGreaterThanOrEqualTo(5);
    }

    @InnerTest
    @ZdtmVm
    static class WarnsInTheKernel {
        @Test
        void passesButTheKernelWarns(Guest guest) {
            FakeVm.log("WARNING: CPU: 1 PID: 7 at net/ipv4/udp.c:42 udp_repair+0x1");
        }
    }

    @Test
    void aKernelWarningFailsAnOtherwisePassingTest() {
        kit(selectClass(WarnsInTheKernel.class)).execute().testEvents().assertThatEvents().haveExactly(1,
                event(test("passesButTheKernelWarns"), finishedWithFailure(message(m -> m.contains("the guest kernel reported problems")
                        && m.contains("udp.c:42")))));
        assertThat(artifacts.resolve(WarnsInTheKernel.class.getName()).resolve("passesButTheKernelWarns").resolve("kernel-problems.txt"))
                .content().contains("WARNING: CPU: 1");
    }

    @InnerTest
    @ZdtmVm
    static class AlsoPassing {
        @Test
        void passes(Guest guest) {
            guest.run("true");
        }
    }

    @InnerTest
    @ZdtmVm(scope = VmScope.PER_CLASS)
    static class OwnVm {
        @Test
        void passes(Guest guest) {
            guest.run("true");
        }
    }

    @Test
    void oneVmServesTheWholeRunUnlessAClassAsksForItsOwn() {
        kit(selectClass(Passing.class), selectClass(AlsoPassing.class)).execute().testEvents().assertStatistics(s -> s.succeeded(3));
        assertThat(FakeVm.CREATED).hasValue(1);
        FakeVm.reset();
        kit(selectClass(Passing.class), selectClass(OwnVm.class)).execute().testEvents().assertStatistics(s -> s.succeeded(3));
        assertThat(FakeVm.CREATED).hasValue(2);
        assertThat(FakeVm.CLOSED).hasValue(2);
    }

    @Test
    void scopePropertyMakesEveryClassBootItsOwnVm() {
        kit(selectClass(Passing.class), selectClass(AlsoPassing.class)).configurationParameter(VmScope.PROPERTY, "per-class")
                .execute().testEvents().assertStatistics(s -> s.succeeded(3));
        assertThat(FakeVm.CREATED).hasValue(2);
    }

    @Test
    void aVmThatCannotStartFailsEachTestWithTheReason() {
        FakeVm.failCreation = "guest image not built: run ci/setup";
        kit(selectClass(AlsoPassing.class)).execute().testEvents().assertThatEvents().haveExactly(1,
                event(test("passes"), finishedWithFailure(message("guest image not built: run ci/setup"))));
    }

    @InnerTest
    @ZdtmVm
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class KillsItsVm {
        @Test
        void a_killsTheGuest(Guest guest) throws Exception {
            ((FakeVm) guest.vm()).die();
            guest.run("true");
        }

        @Test
        void b_getsAFreshVm(Guest guest) {
            guest.run("true");
        }
    }

    @Test
    void aDeadGuestFailsItsTestClearlyAndTheNextTestGetsAFreshVm() {
        Events tests = kit(selectClass(KillsItsVm.class)).execute().testEvents();
        tests.assertThatEvents().haveExactly(1, event(test("a_killsTheGuest"),
                finishedWithFailure(message(m -> m.contains("guest agent gone") && m.contains("fake QEMU exited")))));
        tests.assertStatistics(s -> s.succeeded(1).failed(1));
        assertThat(FakeVm.CREATED).hasValue(2);
        Path dir = artifacts.resolve(KillsItsVm.class.getName()).resolve("a_killsTheGuest");
        assertThat(dir.resolve("console.log")).exists();
        assertThat(dir.resolve("artifact-notes.txt")).content().contains("guest gone");
    }

    @Test
    void innerClassesDoNotRunOnTheirOwn() throws Exception {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(Failing.class)).execute().testEvents()
                .assertStatistics(s -> s.started(0));
        assertThat(Files.list(artifacts)).isEmpty();
    }

    private static final Map<String, String> CONCURRENT = Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.default", "concurrent",
            "junit.jupiter.execution.parallel.config.executor-service", "worker_thread_pool",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "3");

    /** Met only when three tests are inside their bodies at once: proves they overlap. */
    static volatile CyclicBarrier together;
    static final Set<Integer> IDS = ConcurrentHashMap.newKeySet();

    static void meet() throws Exception {
        together.await(10, TimeUnit.SECONDS);
    }

    @InnerTest
    @ZdtmVm
    static class ThreeAtOnce {
        @RepeatedTest(3)
        void meets(Guest guest) throws Exception {
            IDS.add(guest.id());
            meet();
        }
    }

    @Test
    void concurrentTestsShareOneGuestEachInItsOwnNetns() {
        together = new CyclicBarrier(3);
        IDS.clear();
        kit(selectClass(ThreeAtOnce.class)).configurationParameters(CONCURRENT).execute().testEvents()
                .assertStatistics(s -> s.succeeded(3));
        assertThat(IDS).hasSize(3);
        assertThat(FakeVm.CREATED).as("zdtm.vm.count defaults to one guest on this machine's cores").hasValue(
                Math.min(3, Math.max(1, Runtime.getRuntime().availableProcessors() / 2)));
        assertThat(FakeVm.COMMANDS).filteredOn(c -> c.contains("netns add")).hasSize(3);
        assertThat(FakeVm.CLOSED).hasValue(FakeVm.CREATED.get());
    }

    @Test
    void withSeveralGuestsConcurrentTestsSpreadOverThem() {
        together = new CyclicBarrier(3);
        IDS.clear();
        kit(selectClass(ThreeAtOnce.class)).configurationParameters(CONCURRENT)
                .configurationParameter(VmPool.COUNT_PROPERTY, "2").execute().testEvents()
                .assertStatistics(s -> s.succeeded(3));
        assertThat(FakeVm.CREATED).as("two guests for three overlapping tests").hasValue(2);
        assertThat(FakeVm.CLOSED).hasValue(2);
    }

    @InnerTest
    @ZdtmVm
    static class OneWarnsWhileAnotherRuns {
        @Test
        void warns(Guest guest) throws Exception {
            IDS.add(guest.id());
            meet();
            FakeVm.log("WARNING: CPU: 0 PID: 9 at net/ipv4/udp.c:77 udp_repair+0x2");
            meet();
        }

        @Test
        void runsAlongside(Guest guest) throws Exception {
            IDS.add(guest.id());
            meet();
            meet();
        }
    }

    @Test
    void aSplatWhileTwoTestsOverlapFailsBothAndEachNamesTheOther() {
        together = new CyclicBarrier(2);
        IDS.clear();
        Events tests = kit(selectClass(OneWarnsWhileAnotherRuns.class)).configurationParameters(CONCURRENT).execute().testEvents();
        tests.assertStatistics(s -> s.failed(2));
        for (String name : new String[] {"warns", "runsAlongside"}) {
            tests.assertThatEvents().haveExactly(1, event(test(name), finishedWithFailure(message(m -> m.contains("udp.c:77")
                    && m.matches("(?s).*tests z\\d+ ran alongside: any of them may have caused it.*")))));
        }
    }

    @InnerTest
    @ZdtmVm
    @ParameterizedClass(name = "path {0}")
    @ValueSource(strings = {"RAW", "KERNEL"})
    static class FailsInBothInvocations {
        @Parameter
        String path;

        @Test
        void fails(Guest guest) {
            throw new AssertionError("differs through " + path);
        }
    }

    @Test
    void eachInvocationOfAParameterizedClassKeepsItsOwnArtifacts() {
        kit(selectClass(FailsInBothInvocations.class)).configurationParameters(CONCURRENT).execute().testEvents()
                .assertStatistics(s -> s.failed(2));
        // JUnit quotes string arguments in display names: path "RAW" -> path_RAW_
        Path base = artifacts.resolve(FailsInBothInvocations.class.getName());
        assertThat(base.resolve("path_RAW_").resolve("fails").resolve("failure.txt")).content().contains("through RAW");
        assertThat(base.resolve("path_KERNEL_").resolve("fails").resolve("failure.txt")).content().contains("through KERNEL");
    }
}
