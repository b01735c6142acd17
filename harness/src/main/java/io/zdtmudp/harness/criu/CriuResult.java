package io.zdtmudp.harness.criu;

import java.time.Duration;
import java.util.List;

/**
 * One CRIU run.
 *
 * @param log the CRIU log read back from the guest (for check: its stdout and stderr)
 * @param output what CRIU printed on stdout and stderr
 */
public record CriuResult(List<String> command, int exitCode, Duration duration, String log, String output) {
    public CriuResult {
        command = List.copyOf(command);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** This result, or an exception naming the command with the end of its log. */
    public CriuResult orThrow() {
        if (!succeeded()) {
            throw new CriuException(this);
        }
        return this;
    }

    /** The log's error lines ("Error (...)"), which say why CRIU failed. */
    public List<String> errorLines() {
        return log.lines().filter(l -> l.contains("Error (") || l.startsWith("Error")).toList();
    }
}
