package io.zdtmudp.harness.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Decides whether KVM works here: a probe boot with KVM must reach the agent within the unscaled
 * boot timeout. /dev/kvm existing is not enough (it hangs or crashes on some hosts). The verdict is cached
 * per QEMU version and kernel in {@code <cache>/kvm-probe}.
 */
public final class KvmProbe {
    private KvmProbe() {}

    public static Accelerator resolve(String property, VmConfig.Builder template, Path runDir, GuestImage image) {
        Accelerator chosen = Accelerator.parse(property);
        if (chosen != null) {
            return chosen;
        }
        if (!Files.isReadable(Path.of("/dev/kvm"))) {
            return Accelerator.TCG;
        }
        Path cache = CacheDir.resolve().resolve("kvm-probe");
        String key = (qemuVersion() + "|" + image.kernelKey()).replaceAll("[^A-Za-z0-9._|-]", "_");
        Properties known = load(cache);
        String cached = known.getProperty(key);
        if (cached != null) {
            return Accelerator.valueOf(cached);
        }
        Accelerator result = probe(template, runDir) ? Accelerator.KVM : Accelerator.TCG;
        known.setProperty(key, result.name());
        store(cache, known);
        return result;
    }

    private static boolean probe(VmConfig.Builder template, Path runDir) {
        VmConfig cfg = template.accel(Accelerator.KVM).runDir(runDir).build();
        // KVM speed, no slack: a KVM guest that needs longer than a KVM boot is not worth using.
        try (QemuVm vm = QemuVm.start(cfg, new Timeouts(1))) {
            vm.agent().ping();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String qemuVersion() {
        try {
            Process p = new ProcessBuilder("qemu-system-x86_64", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        if (Files.isReadable(file)) {
            try (var in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException ignored) {
                // a broken cache only costs a probe
            }
        }
        return p;
    }

    private static void store(Path file, Properties p) {
        try {
            Files.createDirectories(file.getParent());
            try (var out = Files.newOutputStream(file)) {
                p.store(out, "zdtm-udp: does a KVM guest reach its agent? key = qemu version | kernel");
            }
        } catch (IOException ignored) {
            // a cache that cannot be written only costs a probe next time
        }
    }
}
