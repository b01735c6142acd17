package io.zdtmudp.harness.vm;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts the QEMU process of a {@link VmConfig} with its argv (the config's, plus whatever the start mode
 * adds). The default runs it on the host; another backend (e.g. a container) may run the same argv
 * elsewhere, as long as QEMU can reach the config's paths and sockets and its output ends up in the run
 * dir's qemu.out.
 */
@FunctionalInterface
public interface QemuLauncher {
    QemuLauncher HOST = (config, argv, input) -> new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(config.runDir().resolve("qemu.out").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(input == null ? new File("/dev/null") : input.toFile()))
            .start();

    /**
     * {@code input}, if not null, is the file QEMU's standard input reads (a snapshot it loads with
     * {@code -incoming fd:0}); otherwise its standard input is /dev/null. A launcher that cannot hand QEMU
     * a file that way throws.
     */
    Process launch(VmConfig config, List<String> argv, Path input) throws IOException;
}
