package io.zdtmudp.harness.container;

import io.zdtmudp.harness.vm.QemuLauncher;
import io.zdtmudp.harness.vm.VmConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.utility.DockerImageName;

/**
 * Runs a config's QEMU argv as the main process of a container of the local QEMU image: no network, the
 * argv's directories bound at their host paths, nothing pulled. Checks that the QEMU it started sits in
 * that container's cgroup before handing it over.
 */
final class ContainerLauncher implements QemuLauncher {
    static final String LABEL_ROLE = "io.zdtmudp.role";
    static final String ROLE = "qemu";
    /** The JVM that owns the container, so a later run can remove what a killed JVM left behind. */
    static final String LABEL_JVM = "io.zdtmudp.jvm";

    private final String imageName;

    ContainerLauncher(String imageName) {
        this.imageName = imageName;
    }

    static Map<String, String> labels() {
        return Map.of(LABEL_ROLE, ROLE, LABEL_JVM, Long.toString(ProcessHandle.current().pid()));
    }

    @Override
    public Process launch(VmConfig config, List<String> argv, Path input) throws IOException {
        if (input != null) {
            // The image has no shell to redirect with, and a container's stdin is the engine's stream.
            throw new IOException("the container backend boots cold: it cannot give QEMU " + input + " on its standard input");
        }
        List<Path> binds = ContainerBinds.of(config);
        ContainerBinds.requireExisting(binds);
        Path out = config.runDir().resolve("qemu.out");
        Files.write(out, new byte[0]);
        @SuppressWarnings("resource") // closed through ContainerProcess (stop = kill and remove)
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(imageName))
                .withImagePullPolicy(name -> false)
                .withCommand(argv.toArray(String[]::new))
                .withNetworkMode("none")
                .withLabels(labels())
                .withLogConsumer(frame -> append(out, frame));
        binds.forEach(d -> c.withFileSystemBind(d.toString(), d.toString(), BindMode.READ_WRITE));
        long t0 = System.nanoTime();
        try {
            c.start();
        } catch (RuntimeException e) {
            c.stop();
            throw new IOException("the QEMU container did not start: " + e.getMessage(), e);
        }
        Long pid = c.getContainerInfo().getState().getPidLong();
        ContainerProcess process = new ContainerProcess(c, pid == null ? -1 : pid);
        Optional<String> cgroup = CgroupContainerId.ofPid(process.pid());
        if (cgroup.isEmpty() && ProcessHandle.of(process.pid()).isEmpty()) {
            return process; // QEMU already exited: QemuVm reports its status and output
        }
        String inCgroup = cgroup.orElse("none");
        if (!inCgroup.equals(process.containerId())) {
            process.destroyForcibly();
            throw new IOException("QEMU (host pid " + process.pid() + ") is in container cgroup " + inCgroup
                    + ", not in the container " + process.containerId() + " started for it");
        }
        System.err.println("zdtm: " + process + " started in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        return process;
    }

    private static void append(Path out, OutputFrame frame) {
        byte[] bytes = frame.getBytes();
        if (bytes == null) {
            return;
        }
        try {
            Files.write(out, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("writing QEMU output to " + out, e);
        }
    }
}
