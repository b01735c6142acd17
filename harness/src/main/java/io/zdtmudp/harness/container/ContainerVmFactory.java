package io.zdtmudp.harness.container;

import io.zdtmudp.harness.vm.Accelerator;
import io.zdtmudp.harness.vm.GuestImage;
import io.zdtmudp.harness.vm.QemuVm;
import io.zdtmudp.harness.vm.Timeouts;
import io.zdtmudp.harness.vm.Vm;
import io.zdtmudp.harness.vm.VmConfig;
import io.zdtmudp.harness.vm.VmFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The container backend (-Dzdtm.backend=container): the same guest and QEMU argv as {@link
 * io.zdtmudp.harness.vm.QemuVmFactory}, with QEMU run as the main process of a container of the local
 * QEMU image (built once per host QEMU). TCG only: the container gets no /dev/kvm.
 */
public final class ContainerVmFactory implements VmFactory {
    private static final AtomicInteger VMS = new AtomicInteger();
    private static QemuImage.Resolved image;

    @Override
    public Vm create(Function<String, Optional<String>> parameters) {
        Accelerator accel = Accelerator.parse(parameters.apply(Accelerator.PROPERTY).orElse("tcg"));
        if (accel == Accelerator.KVM) {
            throw new IllegalArgumentException("the container backend runs TCG only; drop " + Accelerator.PROPERTY + "=kvm");
        }
        Path cwd = Path.of(System.getProperty("user.dir"));
        GuestImage guest = GuestImage.locate(parameters.apply(GuestImage.PROPERTY).orElse(null), cwd);
        String imageName = image().name();
        int n = VMS.incrementAndGet();
        Path share = cwd.resolve("target").resolve("zdtm-share").resolve("c" + n);
        // Not StaleRuns' zdtm-<pid>-<n>: its pidfile holds QEMU's pid inside the container, not on the host.
        Path run = Path.of("/tmp", "zdtm-" + ProcessHandle.current().pid() + "-c" + n);
        try {
            Files.createDirectories(share);
        } catch (IOException e) {
            throw new UncheckedIOException("creating the share dir " + share, e);
        }
        VmConfig config = VmConfig.builder(guest).shareDir(share).accel(Accelerator.TCG).runDir(run)
                .launcher(new ContainerLauncher(imageName)).build();
        Timeouts timeouts = Timeouts.forAccelerator(Accelerator.TCG, parameters.apply(Timeouts.PROPERTY).orElse(null));
        QemuVm vm = QemuVm.startWithRetry(config, timeouts);
        System.err.println("zdtm: VM c" + n + " boots in a container of " + imageName + " (QEMU host pid "
                + vm.processHandle().pid() + ", " + vm.bootTime().toMillis() + " ms to agent ready)");
        return vm;
    }

    /** Once per JVM: the engine check, leftovers of killed runs, and the image (built only when its tag is new). */
    static synchronized QemuImage.Resolved image() {
        if (image == null) {
            var docker = DockerEngine.client();
            StaleContainers.reap(docker).forEach(id -> System.err.println("zdtm: removed QEMU container "
                    + id.substring(0, 12) + " left by a dead JVM"));
            image = QemuImage.ensure(docker, RootfsRecipe.forHostQemu("qemu-system-x86_64", HostCommands.LOCAL));
            System.err.println("zdtm: QEMU image " + image.name() + (image.built()
                    ? " built in " + image.buildTime().toMillis() + " ms" : " reused") + ", " + image.sizeBytes() / 1024 + " KiB");
        }
        return image;
    }
}
