package io.zdtmudp.harness.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;

/**
 * Starts a guest from a snapshot of an idle booted guest when one fits, else boots cold and saves
 * a snapshot for the next start. A snapshot that is missing, stale, damaged or that QEMU refuses
 * costs one cold boot (the reason is logged) and is replaced; it never fails a start.
 */
public final class SnapshotStart {
    /** {@code on} (default) or {@code off} (always boot cold). */
    public static final String PROPERTY = "zdtm.snapshot";

    private final SnapshotStore store;

    public SnapshotStart(SnapshotStore store) {
        this.store = store;
    }

    /** Whether {@code -Dzdtm.snapshot} asks for snapshot starts: on (or unset) or off. */
    public static boolean enabled(String property) {
        String v = property == null ? "" : property.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "":
            case "on":
                return true;
            case "off":
                return false;
            default:
                throw new IllegalArgumentException(PROPERTY + " must be on or off, got '" + property + "'");
        }
    }

    public SnapshotKey keyFor(VmConfig config) {
        QemuBinary qemu = QemuBinary.of(config);
        return SnapshotKey.of(config, qemu.identity(), FileDigest.sha256(config.image().kernel()),
                FileDigest.sha256(config.image().initrd()));
    }

    /** {@link #start}, once more if it fails (the second try boots cold: a failed load discards the snapshot). */
    public QemuVm startWithRetry(VmConfig config, Timeouts timeouts) {
        return QemuVm.withRetry(config, () -> start(config, timeouts));
    }

    public QemuVm start(VmConfig config, Timeouts timeouts) {
        StartPhases phases = new StartPhases();
        SnapshotKey key = keyFor(config);
        phases.mark("key");
        SnapshotStore.Lookup found = store.find(key);
        phases.mark("lookup");
        if (found.snapshot().isPresent()) {
            VmSnapshot snapshot = found.snapshot().get();
            try {
                QemuVm vm = QemuVm.restore(config, timeouts, snapshot, phases);
                log("started from snapshot in " + phases);
                return vm;
            } catch (VmStartException e) {
                log("snapshot " + snapshot.dir() + " did not start, discarding it and booting cold: " + e.getMessage());
                store.discard(snapshot);
            }
        } else {
            log(found.whyNot() + "; booting cold and saving one");
        }
        return QemuVm.boot(config, timeouts, vm -> save(vm, key));
    }

    /** A failed save is logged, not fatal: this VM runs on, and the next start tries again. */
    private void save(QemuVm vm, SnapshotKey key) {
        long t0 = System.nanoTime();
        try {
            // Answered PING: the agent is back in its loop, waiting for the next request.
            vm.agent().ping();
            VmSnapshot s = store.save(key, vm::saveState, vm.config().consoleLog());
            log("saved snapshot " + s.dir() + " (" + Files.size(s.state()) / (1024 * 1024) + " MiB) in "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } catch (IOException | RuntimeException e) {
            log("could not save a snapshot (the next VM boots cold again): " + e.getMessage());
        }
    }

    private static void log(String message) {
        System.err.println("zdtm: " + message);
    }
}
