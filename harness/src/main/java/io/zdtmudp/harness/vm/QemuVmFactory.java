package io.zdtmudp.harness.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Boots the guest from vm-images/out (or -Dzdtm.images), sharing target/zdtm-share/vmN into it; from
 * a snapshot of an idle guest unless -Dzdtm.snapshot=off.
 */
public final class QemuVmFactory implements VmFactory {
    private static final AtomicInteger VMS = new AtomicInteger();

    @Override
    public Vm create(Function<String, Optional<String>> parameters) {
        VmConfig config = config(parameters);
        Timeouts timeouts = Timeouts.forAccelerator(config.accel(), parameters.apply(Timeouts.PROPERTY).orElse(null));
        if (SnapshotStart.enabled(parameters.apply(SnapshotStart.PROPERTY).orElse(null))) {
            return new SnapshotStart(SnapshotStore.inCache()).startWithRetry(config, timeouts);
        }
        return QemuVm.startWithRetry(config, timeouts);
    }

    /** The next VM's configuration, not started: for a caller that starts it its own way. */
    public VmConfig config(Function<String, Optional<String>> parameters) {
        Path cwd = Path.of(System.getProperty("user.dir"));
        StaleRuns.reap(Path.of("/tmp")).forEach(pid -> System.err.println("zdtm: killed QEMU " + pid + " left by a dead JVM"));
        GuestImage image = GuestImage.locate(parameters.apply(GuestImage.PROPERTY).orElse(null), cwd);
        int n = VMS.incrementAndGet();
        Path share = cwd.resolve("target").resolve("zdtm-share").resolve("vm" + n);
        // Sockets live under /tmp: the build directory may be too deep for a unix socket path.
        Path run = Path.of("/tmp", "zdtm-" + ProcessHandle.current().pid() + "-" + n);
        try {
            Files.createDirectories(share);
        } catch (IOException e) {
            throw new UncheckedIOException("creating the share dir " + share, e);
        }
        VmConfig.Builder config = VmConfig.builder(image).shareDir(share);
        Accelerator accel = KvmProbe.resolve(parameters.apply(Accelerator.PROPERTY).orElse(null),
                VmConfig.builder(image), Path.of(run + "-probe"), image);
        return config.accel(accel).runDir(run).build();
    }
}
