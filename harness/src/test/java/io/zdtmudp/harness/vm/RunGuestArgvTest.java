package io.zdtmudp.harness.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vm-images/run-guest boots the guest as VmConfig does: run against a fake QEMU that records its argv,
 * its command line is the harness's for the same settings, less what only the harness has (the agent's
 * and QMP's devices, the console chardev, the pidfile) and the command it runs.
 */
class RunGuestArgvTest {
    private static final Path VM_IMAGES = findVmImages();
    /** Options whose pairs only the harness passes, or that each side spells its own way (-serial). */
    private static final Set<String> HARNESS_ONLY = Set.of("-chardev", "-device", "-mon", "-pidfile", "-serial");

    @TempDir
    Path tmp;

    @Test
    void thePackagedQemuEnvIsVmImagesOwn() throws IOException {
        try (InputStream in = QemuDefaults.class.getResourceAsStream(QemuDefaults.RESOURCE)) {
            assertThat(in).as("qemu.env on the classpath").isNotNull();
            assertThat(new String(in.readAllBytes())).isEqualTo(Files.readString(VM_IMAGES.resolve("qemu.env")));
        }
    }

    @Test
    void runGuestBootsWithTheHarnessCommandLine() throws Exception {
        Path share = Files.createDirectories(tmp.resolve("share"));
        List<String> runGuest = runGuest(Map.of(), "", "--share", share.toString());
        VmConfig config = VmConfig.builder(image("")).runDir(tmp.resolve("run")).shareDir(share).build();

        assertThat(runGuest).contains("-virtfs");
        assertThat(runGuest.get(runGuest.indexOf("-append") + 1)).contains("random.trust_cpu=on");
        assertThat(withoutHarnessOnly(runGuest)).isEqualTo(withoutHarnessOnly(config.qemuArgv()));
    }

    @Test
    void bothBootASelfPatchingKernelWithOneVcpu() throws Exception {
        String manifest = "KERNEL_JUMP_LABEL=yes\n";
        List<String> runGuest = runGuest(Map.of(), manifest);
        VmConfig config = VmConfig.builder(image(manifest)).runDir(tmp.resolve("run")).build();

        assertThat(runGuest.get(runGuest.indexOf("-smp") + 1)).isEqualTo("1");
        assertThat(withoutHarnessOnly(runGuest)).isEqualTo(withoutHarnessOnly(config.qemuArgv()));
    }

    /** What run-guest ran QEMU with, as {@link VmConfig#qemuArgv()} lists it, less the zdtm.run= word. */
    private List<String> runGuest(Map<String, String> env, String manifest, String... options) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("vm-images"));
        for (String f : new String[] {"run-guest", "qemu.env"}) {
            Files.copy(VM_IMAGES.resolve(f), dir.resolve(f));
        }
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("bzImage"), "");
        Files.writeString(out.resolve("initramfs.cpio.gz"), "");
        Files.writeString(out.resolve("manifest.env"), manifest);
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path argvFile = tmp.resolve("argv");
        Path qemu = Files.writeString(bin.resolve("qemu-system-x86_64"), """
                #!/bin/sh
                printf '%s\\n' "$@" >"$FAKE_QEMU_ARGV"
                for a; do case $a in file:*) echo 'zdtm.run exit=0' >"${a#file:}" ;; esac; done
                """);
        Files.setPosixFilePermissions(qemu, PosixFilePermissions.fromString("rwxr-xr-x"));

        List<String> cmd = new ArrayList<>(List.of("bash", dir.resolve("run-guest").toString(), "--console", tmp.resolve("console").toString()));
        cmd.addAll(List.of(options));
        cmd.add("true");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("ZDTM_"));
        pb.environment().putAll(env);
        pb.environment().put("FAKE_QEMU_ARGV", argvFile.toString());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("run-guest finished").isTrue();
        assertThat(p.exitValue()).as("run-guest's exit status; its output:\n%s", output).isZero();

        List<String> argv = new ArrayList<>(Files.readAllLines(argvFile));
        int append = argv.indexOf("-append") + 1;
        assertThat(argv.get(append)).endsWith(" zdtm.run=true");
        argv.set(append, argv.get(append).substring(0, argv.get(append).length() - " zdtm.run=true".length()));
        argv.add(0, "qemu-system-x86_64");
        return argv;
    }

    private GuestImage image(String manifest) {
        Path out = tmp.resolve("vm-images/out");
        return new GuestImage(out.resolve("bzImage"), out.resolve("initramfs.cpio.gz"),
                EnvFile.parse(manifest.lines().toList()));
    }

    private static List<String> withoutHarnessOnly(List<String> argv) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            if (HARNESS_ONLY.contains(argv.get(i))) {
                i++;
            } else {
                kept.add(argv.get(i));
            }
        }
        return kept;
    }

    private static Path findVmImages() {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("vm-images/run-guest"))) {
                return d.resolve("vm-images");
            }
        }
        throw new IllegalStateException("no vm-images/run-guest above " + System.getProperty("user.dir"));
    }
}
