package io.zdtmudp.harness.vm;

import java.io.File;
import java.io.IOException;
import java.util.List;

/**
 * Starts the QEMU process of a {@link VmConfig} with its argv (the config's, plus whatever the start mode
 * adds). The default runs it on the host; another backend (e.g. a container) may run the same argv
 * elsewhere, as long as QEMU can reach the config's paths and sockets and its output ends up in the run
 * dir's qemu.out.
 */
@FunctionalInterface
public interface QemuLauncher {
    QemuLauncher HOST = (config, argv) -> new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(config.runDir().resolve("qemu.out").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();

    Process launch(VmConfig config, List<String> argv) throws IOException;
}
