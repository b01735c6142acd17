package io.zdtmudp.ecosystem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** harness/zdtm-crit run as a user runs it: a separate process, stdout, stderr and exit code. */
record CritCli(int exitCode, String stdout, String stderr) {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    static CritCli run(Path work, String... args) throws IOException, InterruptedException {
        String[] argv = new String[args.length + 2];
        argv[0] = "bash";
        argv[1] = script().toString();
        System.arraycopy(args, 0, argv, 2, args.length);
        Path out = Files.createTempFile(work, "crit", ".out");
        Path err = Files.createTempFile(work, "crit", ".err");
        Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("zdtm-crit " + String.join(" ", args) + " still ran after " + LIMIT);
        }
        return new CritCli(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The launcher in the source tree, found from the module's working directory. */
    static Path script() {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("harness").resolve("zdtm-crit");
            if (Files.isRegularFile(s)) {
                return s;
            }
        }
        throw new IllegalStateException("harness/zdtm-crit not found above " + System.getProperty("user.dir"));
    }
}
