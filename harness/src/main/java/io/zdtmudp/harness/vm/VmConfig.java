package io.zdtmudp.harness.vm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What to boot and how. Build with {@link #builder(GuestImage)}. */
public final class VmConfig {
    public static final String SHARE_TAG = "zdtm";
    /** QEMU's pidfile in the run dir, for {@link StaleRuns}. */
    public static final String PID_FILE = "qemu.pid";

    private final GuestImage image;
    private final int memoryMiB;
    private final int cpus;
    private final Accelerator accel;
    private final Path shareDir;
    private final Path runDir;
    private final List<String> extraCmdline;
    private final String qemuBinary;
    private final QemuLauncher launcher;

    private VmConfig(Builder b) {
        this.image = Objects.requireNonNull(b.image, "image");
        this.memoryMiB = b.memoryMiB;
        this.cpus = b.cpus != null ? b.cpus : defaultCpus(b.image, b.accel);
        this.accel = b.accel;
        this.shareDir = b.shareDir;
        this.runDir = Objects.requireNonNull(b.runDir, "runDir");
        this.extraCmdline = List.copyOf(b.extraCmdline);
        this.qemuBinary = b.qemuBinary;
        this.launcher = b.launcher;
    }

    public static Builder builder(GuestImage image) {
        return new Builder(image);
    }

    public GuestImage image() {
        return image;
    }

    public int memoryMiB() {
        return memoryMiB;
    }

    public int cpus() {
        return cpus;
    }

    public Accelerator accel() {
        return accel;
    }

    /** Host directory shared into the guest as 9p tag {@value #SHARE_TAG}, or null. */
    public Path shareDir() {
        return shareDir;
    }

    /** Where QEMU's sockets and console log go; keep it short (unix socket paths are < 108 bytes). */
    public Path runDir() {
        return runDir;
    }

    public List<String> extraCmdline() {
        return extraCmdline;
    }

    public String qemuBinary() {
        return qemuBinary;
    }

    /** Runs QEMU: on the host unless a backend says otherwise. */
    public QemuLauncher launcher() {
        return launcher;
    }

    public Path agentSocket() {
        return runDir.resolve("agent.sock");
    }

    public Path qmpSocket() {
        return runDir.resolve("qmp.sock");
    }

    public Path consoleLog() {
        return runDir.resolve("console.log");
    }

    /** The QEMU command line. QEMU connects to both sockets: the host must listen before starting it. */
    public List<String> qemuArgv() {
        QemuDefaults q = QemuDefaults.FROM_QEMU_ENV;
        List<String> a = new ArrayList<>(List.of(qemuBinary,
                "-M", q.machine(), "-accel", accel.qemuName(), "-cpu", accel == Accelerator.KVM ? "host" : q.tcgCpu(),
                "-m", memoryMiB + "M", "-smp", Integer.toString(cpus)));
        a.addAll(q.options());
        a.addAll(List.of(
                // append=on: a guest restored from a snapshot keeps the boot log copied in before it
                "-chardev", "file,id=console,path=" + consoleLog() + ",append=on",
                "-serial", "chardev:console",
                "-pidfile", runDir.resolve(PID_FILE).toString(),
                "-kernel", image.kernel().toString(), "-initrd", image.initrd().toString(),
                "-append", cmdline(),
                "-device", "virtio-serial-pci",
                "-chardev", "socket,id=agent,path=" + agentSocket() + ",server=off",
                "-device", "virtserialport,chardev=agent,name=zdtm.agent",
                "-chardev", "socket,id=qmp,path=" + qmpSocket() + ",server=off",
                "-mon", "chardev=qmp,mode=control"));
        if (shareDir != null) {
            a.addAll(List.of("-virtfs", "local,path=" + shareDir + ",mount_tag=" + SHARE_TAG
                    + ",security_model=none,id=" + SHARE_TAG));
        }
        return a;
    }

    /**
     * qemu.env's vCPU count, but one for a kernel that patches its own text while it runs (Debian's: jump
     * labels) under TCG. With two vCPUs under QEMU's multi-threaded TCG, debian-6.12 took "Oops: int3" in
     * __schedule in 2 of 97 cases: a vCPU ran a text_poke_bp() breakpoint after the other had removed it. Both
     * vCPUs on one TCG thread closed that, but then a softirq waited while the other vCPU had the thread and a
     * non-blocking receive right after a loopback send missed its datagram (1 of 21 runs). With one vCPU the CPU
     * that patches the text is the one that runs it, and there is no other vCPU to wait for.
     */
    static int defaultCpus(GuestImage image, Accelerator accel) {
        return accel == Accelerator.TCG && image.patchesOwnText() ? 1 : QemuDefaults.FROM_QEMU_ENV.cpus();
    }

    /** vm-images/qemu.env's kernel command line (why random.trust_cpu=on: see there), then the extra words. */
    public String cmdline() {
        List<String> c = new ArrayList<>(QemuDefaults.FROM_QEMU_ENV.kernelCmdline());
        c.addAll(extraCmdline);
        return String.join(" ", c);
    }

    public static final class Builder {
        private final GuestImage image;
        private int memoryMiB = QemuDefaults.FROM_QEMU_ENV.memoryMiB();
        private Integer cpus;
        private Accelerator accel = Accelerator.TCG;
        private Path shareDir;
        private Path runDir;
        private final List<String> extraCmdline = new ArrayList<>();
        private String qemuBinary = "qemu-system-x86_64";
        private QemuLauncher launcher = QemuLauncher.HOST;

        private Builder(GuestImage image) {
            this.image = image;
        }

        public Builder memoryMiB(int mib) {
            if (mib < 128) {
                throw new IllegalArgumentException("memory below 128 MiB: " + mib);
            }
            this.memoryMiB = mib;
            return this;
        }

        /** Unset: {@link VmConfig#defaultCpus}. */
        public Builder cpus(int cpus) {
            if (cpus < 1) {
                throw new IllegalArgumentException("cpus must be >= 1: " + cpus);
            }
            this.cpus = cpus;
            return this;
        }

        public Builder accel(Accelerator accel) {
            this.accel = Objects.requireNonNull(accel);
            return this;
        }

        public Builder shareDir(Path dir) {
            if (dir != null && dir.toString().contains(",")) {
                throw new IllegalArgumentException("QEMU option values cannot hold ',': " + dir);
            }
            this.shareDir = dir == null ? null : dir.toAbsolutePath();
            return this;
        }

        public Builder runDir(Path dir) {
            if (dir.toAbsolutePath().resolve("agent.sock").toString().length() >= 108) {
                throw new IllegalArgumentException("run dir too long for a unix socket path: " + dir);
            }
            this.runDir = dir.toAbsolutePath();
            return this;
        }

        public Builder extraCmdline(String arg) {
            this.extraCmdline.add(arg);
            return this;
        }

        public Builder qemuBinary(String binary) {
            this.qemuBinary = binary;
            return this;
        }

        public Builder launcher(QemuLauncher launcher) {
            this.launcher = Objects.requireNonNull(launcher);
            return this;
        }

        public VmConfig build() {
            return new VmConfig(this);
        }
    }
}
