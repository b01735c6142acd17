package io.zdtmudp.harness.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * QEMU containers whose JVM died without its shutdown hooks (SIGKILL): removed by the next factory, the
 * container counterpart of StaleRuns. A container of a live JVM (another build running) is left alone.
 */
final class StaleContainers {
    private StaleContainers() {}

    static List<String> reap(DockerClient docker) {
        List<String> removed = new ArrayList<>();
        List<Container> ours = docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerLauncher.LABEL_ROLE, ContainerLauncher.ROLE)).exec();
        for (Container c : ours) {
            if (ownerGone(c.getLabels().get(ContainerLauncher.LABEL_JVM))) {
                try {
                    docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
                    removed.add(c.getId());
                } catch (RuntimeException e) {
                    // raced with its own cleanup; nothing left to do
                }
            }
        }
        return removed;
    }

    static boolean ownerGone(String jvmPid) {
        if (jvmPid == null) {
            return false;
        }
        try {
            long pid = Long.parseLong(jvmPid);
            return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
