package io.zdtmudp.reliability;

import static io.zdtmudp.reliability.GuestChecks.KILL_CRIU;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zdtmudp.harness.criu.CriuFault;
import io.zdtmudp.harness.criu.CriuResult;
import io.zdtmudp.harness.criu.DumpOptions;
import io.zdtmudp.harness.criu.RestoreOptions;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.udp.UdpOutcome;
import io.zdtmudp.harness.udp.UdpRun;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A checkpoint or restore that fails at any stage leaves nothing half done: a
 * failed dump leaves the task running with its whole queue, a failed restore
 * leaves no restored task behind, and the same images then restore in full.
 * Each stage is forced with a CRIU action script (exit 1, or SIGKILL of criu) or with CRIU's
 * own fault injection (CRIU_FAULT).
 */
@ZdtmVm
@Execution(ExecutionMode.SAME_THREAD) // and one at a time among themselves
@Isolated("kills CRIU mid-dump/restore and bounds what it leaves with fixed waits; a busy guest would blur both")
class FaultStageIT {
    /** A receiver holding 30 datagrams of mixed sizes, one of them empty, from one sender. */
    private static final String CRIU_FAULT = "CRIU_FAULT";

    private final QueuedReceiver receiver = new QueuedReceiver(7400, 29, 700, 41);

    private UdpRun start(Guest guest) {
        return receiver.start(guest);
    }

    @Test
    void dumpFailingAtPreDumpLeavesTheQueue(Guest guest) {
        failedDumpLeavesTheQueue(guest, "pre-dump", "exit 1");
    }

    @Test
    void dumpFailingAtPostDumpLeavesTheQueue(Guest guest) {
        failedDumpLeavesTheQueue(guest, "post-dump", "exit 1");
    }

    @Test
    void criuKilledAtPostDumpLeavesTheQueue(Guest guest) {
        failedDumpLeavesTheQueue(guest, "post-dump", KILL_CRIU);
    }

    @Test
    void restoreFailingAtPostRestoreLeavesNoTask(Guest guest) {
        interruptedRestoreIsWholeOrNothing(guest, "post-restore", "exit 1");
    }

    /** The task waits in the restorer for criu: it dies with criu (CRIU patches-restore/0001). */
    @Test
    void criuKilledAtPostRestoreLeavesNoHalfRestoredTask(Guest guest) {
        interruptedRestoreIsWholeOrNothing(guest, "post-restore", KILL_CRIU);
    }

    /** CRIU only logs a failing pre-resume script ("Pre-resume script ret code") and resumes the task. */
    @Test
    void restoreFailingAtPreResumeStillResumesTheWholeQueue(Guest guest) {
        interruptedRestoreIsWholeOrNothing(guest, "pre-resume", "exit 1");
    }

    /** criu holds the task stopped before rt_sigreturn: ptrace's exit-kill takes it along (CRIU patch 0015). */
    @Test
    void criuKilledAtPreResumeLeavesNoHalfRestoredTask(Guest guest) {
        interruptedRestoreIsWholeOrNothing(guest, "pre-resume", KILL_CRIU);
    }

    /** A root with two children: the parent death signal must reach the tasks criu did not fork. */
    @Test
    void criuKilledAtPostRestoreLeavesNoTaskOfATree(Guest guest) {
        new RestoredTree(guest).killedCriuLeavesNoTask("post-restore");
    }

    @Test
    void criuKilledAtPreResumeLeavesNoTaskOfATree(Guest guest) {
        new RestoredTree(guest).killedCriuLeavesNoTask("pre-resume");
    }

    // CRIU's own fault injection (CRIU_FAULT, criu/include/fault-injection.h): the stages an action script
    // cannot reach.

    /** FI_DUMP_EARLY: criu SIGKILLs itself with the task seized and the parasite in it. */
    @Test
    void criuKillingItselfMidDumpLeavesTheQueue(Guest guest) {
        failedDumpLeavesTheQueue(guest, "CRIU_FAULT=1 (criu killed mid-dump)", b -> b.env(CRIU_FAULT, "1"));
    }

    /** FI_DUMP_PAGES: dumping the task's memory fails, after its sockets and queue were read. */
    @Test
    void dumpFailingAtItsPagesLeavesTheQueue(Guest guest) {
        failedDumpLeavesTheQueue(guest, "CRIU_FAULT=3 (page dump fails)", b -> b.env(CRIU_FAULT, "3"));
    }

    /** FI_RESTORE_ROOT_ONLY: the root task dies while restoring. */
    @Test
    void restoreWhoseRootTaskDiesLeavesNoTask(Guest guest) {
        CriuResult r = interruptedRestoreIsWholeOrNothing(guest, "CRIU_FAULT-2", b -> b.env(CRIU_FAULT, "2"));
        assertThat(r.succeeded()).as("the injected fault failed the restore").isFalse();
    }

    /** FI_POST_RESTORE: the restore aborts after every task, queue included, was restored. */
    @Test
    void restoreAbortedAfterTheTasksLeavesNoTask(Guest guest) {
        CriuResult r = interruptedRestoreIsWholeOrNothing(guest, "CRIU_FAULT-6", b -> b.env(CRIU_FAULT, "6"));
        assertThat(r.succeeded()).as("the injected fault failed the restore").isFalse();
    }

    /**
     * FI_UDP_WALK_KILLED (CRIU patch 49): criu SIGKILLs itself with the receiver's socket set up for the peek
     * walk. Its guard puts the socket's options back, so the task, running on, reads its whole queue with the
     * control messages and the peek offset a run without C/R has, not the walk's.
     */
    @Test
    void criuKilledDuringThePeekWalkLeavesTheSocketAsItWas(Guest guest) {
        UdpOutcome without;
        try (UdpRun run = start(guest)) {
            without = run.finish();
        }
        var rx = receiver.socket();
        try (UdpRun run = start(guest)) {
            CriuResult r = run.cycle().tryCheckpoint(b -> b.env(CriuFault.ENV, CriuFault.UDP_WALK_KILLED.envValue()));
            assertThat(r.succeeded()).as("a dump killed during the walk: %s", r.errorLines()).isFalse();
            assertThat(guest.alive(run.pid())).as("the task runs on after the killed dump").isTrue();
            Duration limit = guest.timeouts().grace();
            await("the walk guard puts the options back and exits").atMost(limit).pollInterval(Duration.ofMillis(100))
                    .until(() -> !guest.exec("sh", "-c", "grep -qx criu-udp-guard /proc/[0-9]*/comm 2>/dev/null").succeeded());
            UdpOutcome out = run.finish();
            receiver.assertDrainedWhole("queue after criu was killed during the walk", out);
            assertThat(out.receivedMarks(rx)).as("the control messages the task reads, as without C/R")
                    .containsExactlyElementsOf(without.receivedMarks(rx));
            assertThat(out.stateAfterRestore(rx).peekOffset()).as("SO_PEEK_OFF, as without C/R")
                    .isEqualTo(without.stateAfterRestore(rx).peekOffset());
        }
    }

    private void failedDumpLeavesTheQueue(Guest guest, String stage, String body) {
        failedDumpLeavesTheQueue(guest, "a failing " + stage + " script",
                b -> b.actionScript(GuestChecks.actionScript(guest, "fail-" + stage + ".sh", stage, body)));
    }

    private void failedDumpLeavesTheQueue(Guest guest, String fault, UnaryOperator<DumpOptions.Builder> inject) {
        try (UdpRun run = start(guest)) {
            CriuResult r = run.cycle().tryCheckpoint(inject);
            assertThat(r.succeeded()).as("dump with %s: %s", fault, r.errorLines()).isFalse();
            assertThat(guest.alive(run.pid())).as("the task runs on after the failed dump").isTrue();
            UdpOutcome out = run.finish();
            receiver.assertDrainedWhole("queue after a dump failed with " + fault, out);
        }
    }

    /**
     * A restore interrupted at {@code stage} ends in one of two states, never a third: no
     * restored task (and then the same images restore in full), or a task that runs
     * with its whole queue. A restore CRIU did not see through, because it failed or was
     * killed, must mean the first; only one it reports as done may leave a task.
     */
    private void interruptedRestoreIsWholeOrNothing(Guest guest, String stage, String body) {
        interruptedRestoreIsWholeOrNothing(guest, stage, b -> b.actionScript(
                GuestChecks.actionScript(guest, "fail-" + stage + ".sh", stage, body)));
    }

    /** Returns the interrupted restore's result. */
    private CriuResult interruptedRestoreIsWholeOrNothing(Guest guest, String stage,
            UnaryOperator<RestoreOptions.Builder> inject) {
        try (UdpRun run = start(guest)) {
            run.checkpoint();
            CriuResult r = run.cycle().tryRestore(run.cycle().imagesDir(), "restore-fail", inject);
            if (!r.succeeded()) {
                GuestChecks.assertGone(guest, run.pid(),
                        "CRIU did not see the restore through at " + stage + " (exit " + r.exitCode() + ")");
            }
            String how;
            if (guest.alive(run.pid())) {
                how = "left running by a restore interrupted at " + stage + " (criu exit " + r.exitCode() + ")";
            } else {
                run.restore();
                how = "restored again after a restore failed at " + stage + " (criu exit " + r.exitCode() + ")";
            }
            UdpOutcome out = run.finish();
            receiver.assertDrainedWhole("queue of the task " + how, out);
            return r;
        }
    }
}
