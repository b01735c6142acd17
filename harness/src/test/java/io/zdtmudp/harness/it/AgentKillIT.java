package io.zdtmudp.harness.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.vm.Timeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.OutputDirectoryCreator;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;
import org.junit.platform.testkit.engine.Events;

/**
 * Issue #2 "done when": the guest agent is killed while a command runs. The test running that command
 * must fail fast with a clear message and the console log attached, and no QEMU may be left behind.
 */
class AgentKillIT {
    private static final String INNER = "zdtm.it.inner";
    /** The command would run this long if nobody noticed the agent died. */
    private static final Duration COMMAND = Duration.ofSeconds(600);

    @TempDir
    Path artifacts;

    @TempDir
    Path reports;

    /** Only inside the EngineTestKit run below: on its own it would fail on purpose. */
    static class OnlyInner implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(INNER).isPresent()
                    ? ConditionEvaluationResult.enabled("inner run")
                    : ConditionEvaluationResult.disabled("run by AgentKillIT");
        }
    }

    @ZdtmVm
    @ExtendWith(OnlyInner.class)
    static class KillsTheAgent {
        @Test
        void agentDiesDuringExec(Guest guest) {
            // $PPID is the agent's EXEC worker; its parent is the agent's main process.
            guest.exec(GuestCommand.builder()
                    .args("sh", "-c", "kill -9 $(cut -d' ' -f4 /proc/$PPID/stat); sleep " + COMMAND.toSeconds())
                    .timeout(COMMAND)
                    .build());
        }
    }

    @Test
    void killingTheAgentFailsTheTestFastWithTheConsoleAttachedAndLeavesNoQemu() {
        long t0 = System.nanoTime();
        Events events = EngineTestKit.engine("junit-jupiter")
                .configurationParameters(Map.of(INNER, "true", "zdtm.artifacts", artifacts.toString()))
                .configurationParameter("zdtm.images", System.getProperty("zdtm.images", ""))
                .outputDirectoryCreator(new OutputDirectoryCreator() {
                    @Override
                    public Path getRootDirectory() {
                        return reports;
                    }

                    @Override
                    public Path createOutputDirectory(TestDescriptor d) throws java.io.IOException {
                        return Files.createDirectories(reports.resolve(Integer.toHexString(d.getUniqueId().hashCode())));
                    }
                })
                .selectors(selectClass(KillsTheAgent.class))
                .execute()
                .allEvents();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        Event finished = events.filter(e -> e.getType() == EventType.FINISHED && e.getTestDescriptor().isTest()).findFirst().orElseThrow();
        TestExecutionResult result = finished.getRequiredPayload(TestExecutionResult.class);
        assertThat(result.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
        String message = result.getThrowable().map(Throwable::getMessage).orElse("");
        assertThat(message).contains("guest agent gone").contains("QEMU exited with status").contains("zdtm-agent exited");

        Timeouts tcg = Timeouts.forAccelerator(io.zdtmudp.harness.vm.Accelerator.TCG, System.getProperty(Timeouts.PROPERTY));
        assertThat(took).as("boot plus a prompt failure, far below the command's own %s", COMMAND)
                .isLessThan(tcg.boot().multipliedBy(2).plus(tcg.call()));

        List<FileEntry> files = events.filter(e -> e.getType() == EventType.FILE_ENTRY_PUBLISHED)
                .map(e -> e.getRequiredPayload(FileEntry.class)).toList();
        Optional<FileEntry> console = files.stream().filter(f -> f.getPath().getFileName().toString().equals("console.log")).findFirst();
        assertThat(console).isPresent();
        assertThat(console.get().getPath()).content().contains("zdtm-agent exited");

        assertThat(ProcessHandle.current().descendants().filter(p -> p.info().command().orElse("").contains("qemu")))
                .as("no QEMU left behind").isEmpty();
    }
}
