package io.zdtmudp.harness.vm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The fixed part of the QEMU command line, from vm-images/qemu.env (packaged as {@value #RESOURCE} next to
 * this class): vm-images/run-guest sources the same file, so a human's boot and the harness's cannot drift.
 */
record QemuDefaults(String machine, String tcgCpu, int memoryMiB, int cpus, List<String> options, List<String> kernelCmdline) {
    static final String RESOURCE = "qemu.env";
    static final QemuDefaults FROM_QEMU_ENV = load();

    QemuDefaults {
        options = List.copyOf(options);
        kernelCmdline = List.copyOf(kernelCmdline);
    }

    static QemuDefaults parse(Map<String, String> env) {
        return new QemuDefaults(get(env, "QEMU_MACHINE"), get(env, "QEMU_TCG_CPU"),
                Integer.parseInt(get(env, "QEMU_MEMORY_MIB")), Integer.parseInt(get(env, "QEMU_CPUS")),
                words(get(env, "QEMU_OPTIONS")), words(get(env, "QEMU_KERNEL_CMDLINE")));
    }

    private static QemuDefaults load() {
        try (InputStream in = QemuDefaults.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath next to " + QemuDefaults.class.getName()
                        + " (harness/pom.xml packages vm-images/" + RESOURCE + ")");
            }
            return parse(EnvFile.parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
    }

    private static String get(Map<String, String> env, String key) {
        String v = env.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(RESOURCE + " sets no " + key);
        }
        return v;
    }

    private static List<String> words(String s) {
        return List.of(s.strip().split("\\s+"));
    }
}
