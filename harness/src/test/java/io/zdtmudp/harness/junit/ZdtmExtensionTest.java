package io.zdtmudp.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
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
                        ZdtmExtension.ARTIFACTS_PROPERTY, artifacts.toString()))
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
            FakeVm.dmesg = FakeVm.dmesg + "[9.9] WARNING: CPU: 1 PID: 7 at net/ipv4/udp.c:42 udp_repair+0x1\n";
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
}
