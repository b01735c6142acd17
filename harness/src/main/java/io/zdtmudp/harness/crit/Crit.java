package io.zdtmudp.harness.crit;

import io.zdtmudp.harness.images.CorruptImageException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code zdtm-crit show|decode <image-dir|image-file>}: CRIU images as JSON on stdout, like CRIU's crit. */
@Command(name = "zdtm-crit", mixinStandardHelpOptions = true, version = "zdtm-crit 0.1",
        subcommands = {ShowCommand.class, DecodeCommand.class},
        description = "Prints CRIU images (a dump directory or one image file) as JSON, "
                + "including the udp-queue-<id>.img images of zdtm-udp's engine. Bytes are hex.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every image read", "1:an image is corrupt (file and byte offset on stderr)",
                "2:usage error", "3:no such file or directory, or no images in it"})
public final class Crit implements Callable<Integer> {
    static final int OK = 0;
    static final int CORRUPT = 1;
    static final int USAGE = 2;
    static final int NO_INPUT = 3;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(out, err, args));
    }

    /** Runs one command line, writing to {@code out} and {@code err}; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Crit());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            err.println("zdtm-crit: " + e.getMessage());
            err.flush();
            return e instanceof CorruptImageException ? CORRUPT
                    : e instanceof CritInputException || e instanceof IOException || e instanceof UncheckedIOException
                    ? NO_INPUT : CommandLine.ExitCode.SOFTWARE;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
