package io.zdtmudp.harness.cycle;

import io.zdtmudp.harness.criu.Criu;
import io.zdtmudp.harness.criu.CriuFault;
import io.zdtmudp.harness.criu.CriuResult;
import io.zdtmudp.harness.criu.DumpOptions;
import io.zdtmudp.harness.criu.RestoreOptions;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.images.CriuImages;
import io.zdtmudp.harness.images.ImageJsonDump;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Checkpoint and restore of one task tree in the guest, whatever it runs, in one of zdtm.py's {@link CrMode}s. Each checkpoint goes to a
 * directory of its own ({@code images-1}, {@code images-2}, ...) under the cycle's directory, is copied to
 * the host, opened as {@link CriuImages} and attached, decoded, to the test's failure artifacts; a restore
 * restores the last one, detached, and checks CRIU gave the task its pid back (or, for the init of a pid
 * namespace of its own, follows it to the pid it got).
 *
 * <p>Its defaults work for any task: one in a network namespace of its own (a container, {@code unshare
 * --net}) makes CRIU lock that namespace, and the guest has nftables but not iptables, CRIU's default lock,
 * so the cycle asks for {@code --network-lock nftables} whenever the task's namespace is not the test's.
 */
public final class CrCycle {
    private static final String UNPRIVILEGED_USERFAULTFD = "/proc/sys/vm/unprivileged_userfaultfd";

    private final Guest guest;
    private final Criu criu;
    private Criu rpc;
    private int pid;
    private final String dir;
    private final List<String> lock;
    private final TaskNamespaces owned;
    private List<String> args = List.of();
    private List<String> restoreArgs = List.of();
    private Optional<CriuFault> dumpFault = Optional.empty();
    private Optional<CriuFault> restoreFault = Optional.empty();
    private CrMode mode = CrMode.PLAIN;
    private int dumps;
    private String lastImages;
    private CriuImages images;
    private CriuResult lastDump;
    private CriuResult lastRestore;
    private boolean running = true;

    private CrCycle(Guest guest, Criu criu, int pid, String dir) {
        this.guest = guest;
        this.criu = criu;
        this.pid = pid;
        this.dir = dir;
        this.owned = TaskNamespaces.of(guest, pid);
        this.lock = owned.network() ? List.of("--network-lock", "nftables") : List.of();
    }

    /** A cycle for the running task {@code pid}, with the guest's default CRIU, its images under {@code dir}. */
    public static CrCycle of(Guest guest, int pid, String dir) {
        return of(guest, guest.criu(), pid, dir);
    }

    /** A cycle for the running task {@code pid} through {@code criu}, its images under {@code dir}. */
    public static CrCycle of(Guest guest, Criu criu, int pid, String dir) {
        guest.run("mkdir", "-p", dir);
        return new CrCycle(guest, criu, pid, dir);
    }

    /** Where, under the cycle's directory, {@link CrMode#RPC} keeps each RPC session's request and response. */
    public static final String RPC_SESSIONS = "rpc";

    /** What runs the dumps and restores: CRIU's command line, or its RPC in {@link CrMode#RPC}. */
    private Criu steps() {
        if (mode != CrMode.RPC) {
            return criu;
        }
        if (rpc == null) {
            rpc = criu.viaRpc(dir + "/" + RPC_SESSIONS);
        }
        return rpc;
    }

    /**
     * The CRIU arguments every following checkpoint and restore adds (e.g. {@code --udp-queues=strict}),
     * in place of those set before; the network lock the cycle chose stays.
     */
    public CrCycle args(List<String> more) {
        this.args = List.copyOf(more);
        return this;
    }

    /**
     * The CRIU arguments every following restore adds after {@link #args()} ({@code --root} for a task in a root
     * of its own, say), in place of those set before.
     */
    public CrCycle restoreArgs(List<String> more) {
        this.restoreArgs = List.copyOf(more);
        return this;
    }

    /** The CRIU fault to inject in the following checkpoints, or none. */
    public CrCycle dumpFault(Optional<CriuFault> fault) {
        this.dumpFault = Objects.requireNonNull(fault);
        return this;
    }

    /** The CRIU fault to inject in the following restores, or none. */
    public CrCycle restoreFault(Optional<CriuFault> fault) {
        this.restoreFault = Objects.requireNonNull(fault);
        return this;
    }

    /** How the following checkpoints and restores run ({@link CrMode#PLAIN} unless set). */
    public CrCycle mode(CrMode how) {
        this.mode = Objects.requireNonNull(how);
        return this;
    }

    /** The cycle's mode. */
    public CrMode mode() {
        return mode;
    }

    /** The arguments every checkpoint and restore of this cycle adds: the network lock, then {@link #args(List)}. */
    public List<String> args() {
        List<String> all = new ArrayList<>(lock);
        all.addAll(args);
        return all;
    }

    /**
     * The task's pid: the same after a restore, as CRIU restores pids, except for the init of a pid namespace
     * of its own, which CRIU gives its pid back inside only; the cycle then follows it to its new pid.
     */
    public int pid() {
        return pid;
    }

    /** Whether the task runs as far as this cycle knows: until a dump ends it, again after a restore. */
    public boolean running() {
        return running;
    }

    /** Dumps the task; fails with CRIU's errors if the dump fails. */
    public CriuImages checkpoint() {
        return checkpoint(UnaryOperator.identity());
    }

    /** Dumps the task with {@code more} options; fails with CRIU's errors if the dump fails. */
    public CriuImages checkpoint(UnaryOperator<DumpOptions.Builder> more) {
        CriuResult r = tryCheckpoint(more);
        if (!r.succeeded()) {
            throw new AssertionError("criu dump of " + pid + " failed (exit " + r.exitCode() + "):\n"
                    + String.join("\n", r.errorLines()));
        }
        return images;
    }

    /** Dumps the task and returns CRIU's result, whether or not it succeeded. */
    public CriuResult tryCheckpoint() {
        return tryCheckpoint(UnaryOperator.identity());
    }

    /**
     * Dumps the task with {@code more} options (an action script, {@code --leave-running}, another images
     * directory...) and returns
     * CRIU's result, whether or not it succeeded; a dump that leaves the task running says so in its
     * arguments, and the cycle then counts it as running.
     */
    public CriuResult tryCheckpoint(UnaryOperator<DumpOptions.Builder> more) {
        dumps++;
        String own = dir + "/images-" + dumps;
        UnaryOperator<DumpOptions.Builder> step = more;
        if (mode == CrMode.PRE || mode == CrMode.SNAPS) {
            CriuResult first = firstStep();
            if (!first.succeeded()) {
                lastDump = first;
                return first;
            }
            step = b -> more.apply(b.extraArgs("--track-mem"));
        } else if (mode == CrMode.NORST) {
            step = b -> more.apply(b.leaveRunning(true));
        } else if (mode == CrMode.ITERS) {
            for (int k = 1; k < CrMode.ITERATIONS; k++) {
                CriuResult r = iteration(dir + "/iter-" + dumps + "-" + k);
                if (!r.succeeded()) {
                    lastDump = r;
                    return r;
                }
            }
        }
        DumpOptions.Builder b = dumpInto(own);
        dumpFault.ifPresent(b::fault);
        CriuDaemon pages = null;
        if (mode == CrMode.PAGE_SERVER) {
            pages = CriuDaemon.pageServer(guest, criu, own);
            b.extraArgs(pages.clientArgs().toArray(String[]::new));
        }
        DumpOptions built = step.apply(b).build();
        DumpOptions options = mode == CrMode.PRE || mode == CrMode.SNAPS
                ? built.toBuilder().prevImagesDir(parentPath(built.imagesDir())).build()
                : built;
        String imagesDir = options.imagesDir();
        lastImages = imagesDir;
        CriuResult r = servedBy(pages, () -> steps().dump(options));
        lastDump = r;
        if (r.succeeded()) {
            running = options.leaveRunning();
            images = CriuImages.open(copyToHost(imagesDir));
            guest.attach("images-" + dumps + ".json", ImageJsonDump.render(images));
        }
        return r;
    }

    /**
     * The first step's images as the final dump's {@code --prev-images-dir}: relative to the dump's own
     * images, wherever its options put them, because CRIU follows it from the images directory and a task
     * restored into a root of its own ({@link Flavor#UNS}) no longer sees the guest's absolute paths.
     */
    private String parentPath(String imagesDir) {
        return Path.of(imagesDir).relativize(Path.of(dir, firstStepDir())).toString();
    }

    /**
     * Runs {@code step} with {@code daemon} (none: null) serving it: a step that succeeded waits for the
     * daemon to end cleanly, and the daemon is gone afterwards either way.
     */
    private static CriuResult servedBy(CriuDaemon daemon, Supplier<CriuResult> step) {
        if (daemon == null) {
            return step.get();
        }
        try {
            CriuResult r = step.get();
            if (r.succeeded()) {
                daemon.awaitEnd();
            }
            return r;
        } finally {
            daemon.close();
        }
    }

    /** One of ITERS' whole C/Rs before the final dump: a dump into {@code imagesDir} and a restore from it. */
    private CriuResult iteration(String imagesDir) {
        DumpOptions.Builder b = dumpInto(imagesDir);
        dumpFault.ifPresent(b::fault);
        CriuResult dumped = steps().dump(b.build());
        if (!dumped.succeeded()) {
            return dumped;
        }
        running = false;
        return tryRestore(imagesDir, "restore", UnaryOperator.identity());
    }

    private String firstStepDir() {
        return (mode == CrMode.PRE ? "pre-" : "snap-") + dumps;
    }

    /** PRE's pre-dump or SNAPS' leave-running dump, into a sibling of the final dump's directory. */
    private CriuResult firstStep() {
        DumpOptions.Builder b = dumpInto(dir + "/" + firstStepDir()).extraArgs("--track-mem");
        if (mode == CrMode.PRE) {
            return steps().preDump(b.build());
        }
        return steps().dump(b.leaveRunning(true).build());
    }

    /** A dump of the task into {@code imagesDir}, logging there, with the cycle's arguments. */
    private DumpOptions.Builder dumpInto(String imagesDir) {
        return DumpOptions.builder().pid(pid).imagesDir(imagesDir).logFile(imagesDir + "/dump.log")
                .extraArgs(args().toArray(String[]::new));
    }

    /**
     * The guest directory of the last checkpoint's images: {@code images-N} under the cycle's directory,
     * unless the checkpoint's options named another.
     */
    public String imagesDir() {
        if (lastImages == null) {
            throw new IllegalStateException("no checkpoint yet");
        }
        return lastImages;
    }

    private Path copyToHost(String imagesDir) {
        String name = Path.of(dir).getFileName() + "-images-" + dumps;
        String share = guest.guestShareDir() + "/" + name;
        guest.run("sh", "-c", "rm -rf " + share + " && cp -r " + imagesDir + " " + share);
        return guest.hostDir().resolve(name);
    }

    /** The images of the last successful checkpoint. */
    public CriuImages images() {
        if (images == null) {
            throw new IllegalStateException("no successful checkpoint yet");
        }
        return images;
    }

    /** CRIU's result (command, exit, log) of the last checkpoint attempt. */
    public CriuResult lastDump() {
        if (lastDump == null) {
            throw new IllegalStateException("no checkpoint yet");
        }
        return lastDump;
    }

    /** CRIU's result of the last restore attempt. */
    public CriuResult lastRestore() {
        if (lastRestore == null) {
            throw new IllegalStateException("no restore yet");
        }
        return lastRestore;
    }

    /**
     * Restores the last checkpoint; fails with CRIU's errors. In {@link CrMode#NORST} the dump left the task
     * running and nothing is restored: the result is that dump's.
     */
    public CriuResult restore() {
        CriuResult r = tryRestore();
        if (!r.succeeded()) {
            throw new AssertionError("criu restore of " + pid + " failed (exit " + r.exitCode() + "):\n"
                    + String.join("\n", r.errorLines()));
        }
        return r;
    }

    /** Restores the last checkpoint and returns CRIU's result, whether or not it succeeded. */
    public CriuResult tryRestore() {
        if (mode == CrMode.NORST && running) {
            return lastDump();
        }
        return tryRestore(imagesDir(), "restore", UnaryOperator.identity());
    }

    /**
     * Restores the images in {@code imagesDir} (the last checkpoint's, or a copy of them the test changed)
     * with {@code more} options, logging to {@code name.log} there, and returns CRIU's result. A restore CRIU
     * reports as done must give the task back its pid.
     */
    public CriuResult tryRestore(String imagesDir, String name, UnaryOperator<RestoreOptions.Builder> more) {
        RestoreOptions.Builder b = RestoreOptions.builder().imagesDir(imagesDir)
                .logFile(imagesDir + "/" + name + ".log").restoreDetached(true)
                .pidFile(imagesDir + "/" + name + ".pid");
        restoreFault.ifPresent(b::fault);
        b.extraArgs(args().toArray(String[]::new));
        b.extraArgs(restoreArgs.toArray(String[]::new));
        CriuDaemon lazy = null;
        if (mode == CrMode.LAZY) {
            if (owned.user()) {
                // the restored task opens its userfaultfd as root of its own user namespace, which is no
                // one outside: the guest must allow that, as a host that lazily restores containers does
                guest.run("sh", "-c", "echo 1 > " + UNPRIVILEGED_USERFAULTFD);
            }
            lazy = CriuDaemon.lazyPages(guest, criu, imagesDir);
            b.extraArgs(lazy.clientArgs().toArray(String[]::new));
        }
        RestoreOptions options = more.apply(b).build();
        CriuResult r = servedBy(lazy, () -> steps().restore(options));
        lastRestore = r;
        if (r.succeeded()) {
            OptionalInt restored = steps().restoredPid(options);
            if (restored.isEmpty() || (!owned.pid() && restored.getAsInt() != pid)) {
                throw new AssertionError("restored pid " + restored + ", expected " + pid);
            }
            pid = restored.getAsInt();
            running = true;
        }
        return r;
    }

    /** The task has ended on its own (the test reaped it): nothing is left to kill. */
    public void ended() {
        running = false;
    }

    /** Kills the task if it still runs (SIGKILL); the images stay. */
    public void kill() {
        if (running && guest.vm().isAlive()) {
            guest.exec("kill", "-9", Integer.toString(pid));
        }
        running = false;
    }
}
