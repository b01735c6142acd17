package io.zdtmudp.harness.vm;

import java.util.Optional;

/**
 * Why a guest ended, in words for a failure message: a guest kernel panic (quoted from the console)
 * comes first, since QEMU then exits cleanly and its status alone would say nothing; then QEMU's
 * status, naming the signal when QEMU was killed.
 */
final class QemuExit {
    private static final String PANIC = "Kernel panic";

    private QemuExit() {}

    /**
     * @param exitValue QEMU's exit value as Java reports it (128 + signal when killed), or empty while
     *     it still runs
     */
    static String describe(Optional<Integer> exitValue, String consoleTail) {
        StringBuilder b = new StringBuilder();
        panicLine(consoleTail).ifPresent(line -> b.append("guest kernel panic: ").append(line).append("; "));
        b.append(exitValue.map(QemuExit::status).orElse("QEMU still running"));
        return b.toString();
    }

    static String status(int exitValue) {
        if (exitValue > 128 && exitValue < 128 + 65) {
            int sig = exitValue - 128;
            return "QEMU was killed by signal " + sig + signalName(sig) + " (exit status " + exitValue + ")";
        }
        return "QEMU exited with status " + exitValue;
    }

    /** The console line that starts the panic report, e.g. "Kernel panic - not syncing: ...". */
    static Optional<String> panicLine(String console) {
        int at = console.lastIndexOf(PANIC);
        if (at < 0) {
            return Optional.empty();
        }
        int end = console.indexOf('\n', at);
        return Optional.of(console.substring(at, end < 0 ? console.length() : end).strip());
    }

    private static String signalName(int sig) {
        return switch (sig) {
            case 1 -> " (SIGHUP)";
            case 2 -> " (SIGINT)";
            case 6 -> " (SIGABRT)";
            case 9 -> " (SIGKILL)";
            case 11 -> " (SIGSEGV)";
            case 15 -> " (SIGTERM)";
            default -> "";
        };
    }
}
