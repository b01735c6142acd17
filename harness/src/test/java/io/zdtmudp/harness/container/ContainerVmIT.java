package io.zdtmudp.harness.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import io.zdtmudp.harness.agent.GuestAgentGoneException;
import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.backend.VmBackend;
import io.zdtmudp.harness.vm.QemuVm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The container backend proves itself: QEMU's host pid sits in the cgroup of a container Docker reports as
 * running our image with that pid, in another mount namespace whose root is the image, with no network; the
 * guest answers; close() or a killed container leaves neither QEMU nor container. Runs in the container
 * run only (-Dzdtm.backend=container, see .ci/run), where a missing engine fails it.
 */
@EnabledIfSystemProperty(named = VmBackend.PROPERTY, matches = "container")
class ContainerVmIT {
    private static final Duration GONE = Duration.ofSeconds(60);

    private static QemuVm start() {
        return (QemuVm) new ContainerVmFactory().create(key -> Optional.ofNullable(System.getProperty(key)));
    }

    @Test
    void qemuRunsConfinedInItsContainerAndLeavesNothing() throws Exception {
        DockerClient docker = DockerEngine.client();
        QemuVm vm = start();
        long pid;
        String id;
        try {
            pid = vm.processHandle().pid();
            id = CgroupContainerId.ofPid(pid).orElseThrow(() -> new AssertionError("QEMU pid has no docker cgroup"));
            InspectContainerResponse info = docker.inspectContainerCmd(id).exec();
            assertThat(info.getState().getRunning()).isTrue();
            assertThat(info.getState().getPidLong()).as("container's init is QEMU").isEqualTo(pid);
            assertThat(info.getConfig().getImage()).startsWith(ImageKey.REPOSITORY + ":");
            assertThat(info.getHostConfig().getNetworkMode()).isEqualTo("none");
            assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "mnt")))
                    .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")));
            Path root = Path.of("/proc", Long.toString(pid), "root");
            assertThat(root.resolve("usr/bin/qemu-system-x86_64")).isRegularFile();
            assertThat(root.resolve("bin/sh")).as("the image holds QEMU only, no host userland").doesNotExist();
            // The guest runs the image's kernel: a bzImage carries its release in its setup header.
            String release = vm.agent().exec(GuestCommand.of("uname", "-r")).stdout().strip();
            assertThat(release).isNotEmpty();
            assertThat(new String(Files.readAllBytes(vm.config().image().kernel()), StandardCharsets.ISO_8859_1))
                    .contains(release + " (");
        } finally {
            vm.close();
        }
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("QEMU after close").isEmpty();
        assertThatThrownBy(() -> docker.inspectContainerCmd(id).exec()).isInstanceOf(NotFoundException.class);
    }

    @Test
    void containersOfADeadJvmAreRemovedAndALiveJvmsAreKept() throws Exception {
        DockerClient docker = DockerEngine.client();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String image = ContainerVmFactory.image().name();
        String stale = docker.createContainerCmd(image).withCmd("qemu-system-x86_64", "-version")
                .withLabels(Map.of(ContainerLauncher.LABEL_ROLE, ContainerLauncher.ROLE,
                        ContainerLauncher.LABEL_JVM, Long.toString(gone.pid()))).exec().getId();
        String live = docker.createContainerCmd(image).withCmd("qemu-system-x86_64", "-version")
                .withLabels(ContainerLauncher.labels()).exec().getId();
        try {
            assertThat(StaleContainers.reap(docker)).contains(stale).doesNotContain(live);
            assertThatThrownBy(() -> docker.inspectContainerCmd(stale).exec()).isInstanceOf(NotFoundException.class);
            assertThat(docker.inspectContainerCmd(live).exec().getId()).isEqualTo(live);
        } finally {
            docker.removeContainerCmd(live).withForce(true).exec();
        }
    }

    @Test
    void killingTheContainerIsTheGuestGone() {
        DockerClient docker = DockerEngine.client();
        QemuVm vm = start();
        try {
            String id = CgroupContainerId.ofPid(vm.processHandle().pid()).orElseThrow();
            docker.killContainerCmd(id).exec();
            await("the VM notices its container died").atMost(GONE).until(() -> !vm.isAlive());
            // 137: Docker's status for a SIGKILLed init, which QemuVm reports as QEMU's own
            assertThatThrownBy(() -> vm.agent().ping()).isInstanceOf(GuestAgentGoneException.class)
                    .hasMessageContaining("QEMU").hasMessageContaining("137");
            await("the dead container is removed").atMost(GONE).untilAsserted(() ->
                    assertThatThrownBy(() -> docker.inspectContainerCmd(id).exec()).isInstanceOf(NotFoundException.class));
        } finally {
            vm.close();
        }
    }
}
