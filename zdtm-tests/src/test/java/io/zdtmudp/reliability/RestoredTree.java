package io.zdtmudp.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.criu.CriuResult;
import io.zdtmudp.harness.cycle.CrCycle;
import io.zdtmudp.harness.guest.Guest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A process tree of three (a shell and its two sleeping children) for the cases where
 * criu dies during a restore: criu forks only the root, so a task it did not fork must
 * not outlive it either. No sockets: this is about tasks, the queue cases cover the data.
 */
final class RestoredTree {
    private static final int SIGKILL_EXIT = 128 + 9;

    private final Guest guest;
    private final String dir;
    private final List<Integer> pids = new ArrayList<>();

    RestoredTree(Guest guest) {
        this.guest = guest;
        this.dir = guest.workDir() + "/tree";
    }

    /**
     * Dumps the tree, restores it with criu SIGKILLed at {@code stage}, and checks that no
     * task of it is left, and that the same images then restore the whole tree.
     */
    void killedCriuLeavesNoTask(String stage) {
        try {
            start();
            CrCycle cycle = CrCycle.of(guest, pids.get(0), dir + "/" + stage);
            cycle.checkpoint();
            pids.forEach(pid -> GuestChecks.assertGone(guest, pid, "the dump ends the tree"));

            String script = GuestChecks.actionScript(guest, "kill-criu-" + stage + ".sh", stage, GuestChecks.KILL_CRIU);
            CriuResult killed = cycle.tryRestore(cycle.imagesDir(), "restore-killed", b -> b.actionScript(script));
            assertThat(killed.exitCode()).as("criu is SIGKILLed at %s", stage).isEqualTo(SIGKILL_EXIT);
            pids.forEach(pid -> GuestChecks.assertGone(guest, pid,
                    "task of the tree after criu was killed at " + stage));

            cycle.restore();
            for (int pid : pids) {
                assertThat(guest.alive(pid)).as("task %d restored again after criu was killed at %s",
                        pid, stage).isTrue();
            }
        } finally {
            for (int pid : pids) {
                guest.exec("kill", "-9", Integer.toString(pid));
            }
        }
    }

    private void start() {
        guest.run("mkdir", "-p", dir);
        int root = guest.spawn(GuestCommand.builder().args("sh", "-c", "sleep 1000 & sleep 1000 & wait")
                .stdoutPath(dir + "/tree.log").stderrPath(dir + "/tree.log").build()).pid();
        pids.add(root);
        String children = "/proc/" + root + "/task/" + root + "/children";
        await("the two children of " + root).atMost(guest.timeouts().call()).pollInterval(Duration.ofMillis(50))
                .until(() -> childrenOf(children).size() == 2);
        pids.addAll(childrenOf(children));
    }

    private List<Integer> childrenOf(String childrenFile) {
        var r = guest.exec("cat", childrenFile);
        if (!r.succeeded() || r.stdout().isBlank()) {
            return List.of();
        }
        return Arrays.stream(r.stdout().trim().split("\\s+")).map(Integer::valueOf).toList();
    }
}
