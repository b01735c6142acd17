package io.zdtmudp.harness.vm;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A guest's state to and from a file through QEMU's migration over QMP. QEMU 7.2 has no file: URI: a save
 * streams through {@code exec:cat}, a load reads the file on QEMU's standard input ({@code -incoming fd:0}).
 * Every wait is bounded by the scaled boot timeout.
 */
final class Migration {
    private final Qmp qmp;
    private final Timeouts timeouts;

    Migration(Qmp qmp, Timeouts timeouts) {
        this.qmp = qmp;
        this.timeouts = timeouts;
    }

    /**
     * Saves the running guest and lets it run on. It is stopped first so the file holds one moment,
     * not a live migration's converging copy.
     */
    void save(Path stateFile) throws IOException {
        qmp.execute("stop", timeouts.call());
        try {
            qmp.execute("migrate", uri("exec:cat > " + shellQuote(stateFile.toString())), timeouts.call());
            String status = awaitEnd("saving the guest to " + stateFile);
            if (!status.equals("completed")) {
                throw new IOException("saving the guest to " + stateFile + " failed: migration " + status);
            }
        } catch (IOException e) {
            // A migration still running would go on writing after cont; stop it first.
            try {
                qmp.execute("migrate_cancel", timeouts.call());
            } catch (IOException ignored) {
                // nothing left to cancel
            }
            throw e;
        } finally {
            qmp.execute("cont", timeouts.call());
        }
    }

    /**
     * Waits for a QEMU started with {@code -incoming fd:0}, its standard input on {@code stateFile}, to have
     * loaded it. A failed load makes QEMU exit, which the caller sees as a start failure.
     */
    void awaitLoaded(Path stateFile) throws IOException {
        String status = awaitEnd("loading the snapshot " + stateFile);
        if (!status.equals("completed")) {
            throw new IOException("the snapshot " + stateFile + " did not load: migration " + status);
        }
    }

    /** Polls query-migrate until the migration ends. */
    private String awaitEnd(String what) throws IOException {
        long deadline = System.nanoTime() + timeouts.boot().toNanos();
        while (true) {
            String status = qmp.migrationStatus(timeouts.call());
            if (status.equals("completed") || status.startsWith("failed") || status.equals("cancelled")) {
                return status;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(what + ": migration still " + status + " after " + timeouts.boot().toMillis() + " ms");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted " + what, e);
            }
        }
    }

    private static String uri(String uri) {
        return "{\"uri\":" + Qmp.quote(uri) + "}";
    }

    /** exec: hands the command to /bin/sh. */
    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
