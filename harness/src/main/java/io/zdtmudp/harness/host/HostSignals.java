package io.zdtmudp.harness.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import jnr.constants.platform.Errno;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * kill(2) on host processes with the signals the JDK cannot send: {@link ProcessHandle#destroy()} only knows
 * SIGTERM and SIGKILL, and a test that freezes QEMU (SIGSTOP) to play a hung guest needs SIGSTOP and SIGCONT.
 */
public final class HostSignals {
    private final POSIX posix;

    private HostSignals(POSIX posix) {
        this.posix = posix;
    }

    /** Through libc; fails at once where jnr-posix has no native binding rather than emulating kill badly. */
    public static HostSignals open() {
        POSIX posix = POSIXFactory.getNativePOSIX();
        if (!posix.isNative()) {
            throw new IllegalStateException("no native libc binding (jnr-posix): cannot send signals");
        }
        return new HostSignals(posix);
    }

    /** Sends {@code signal} to {@code process}; throws with errno's name (e.g. ESRCH) if kill(2) fails. */
    public void send(ProcessHandle process, Signal signal) {
        if (posix.kill((int) process.pid(), signal.intValue()) != 0) {
            Errno errno = Errno.valueOf(posix.errno());
            throw new IllegalStateException("kill(" + process.pid() + ", " + signal.name() + ") failed: " + errno.name()
                    + " (" + errno.description() + ")");
        }
    }

    /**
     * Stops {@code process} (SIGSTOP) until the returned handle is closed (SIGCONT). Returns once the kernel
     * reports it stopped, so whatever the caller times next runs against a frozen process.
     */
    public Frozen freeze(ProcessHandle process, Duration within) {
        send(process, Signal.SIGSTOP);
        Frozen frozen = new Frozen(process);
        long deadline = System.nanoTime() + within.toNanos();
        while (!isStopped(process)) {
            if (System.nanoTime() - deadline > 0) {
                frozen.close();
                throw new IllegalStateException("pid " + process.pid() + " not stopped " + within.toMillis() + " ms after SIGSTOP");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                frozen.close();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while freezing pid " + process.pid(), e);
            }
        }
        return frozen;
    }

    /** Whether {@code process} is stopped by a signal (state T in /proc/<pid>/stat); false once it is gone. */
    public static boolean isStopped(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // The command name in parentheses may hold spaces and parentheses: the state follows the last ')'.
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A process stopped by {@link #freeze}; closing it lets the process run again, if it still exists. */
    public final class Frozen implements AutoCloseable {
        private final ProcessHandle process;
        private boolean thawed;

        private Frozen(ProcessHandle process) {
            this.process = process;
        }

        public ProcessHandle process() {
            return process;
        }

        @Override
        public void close() {
            if (!thawed && process.isAlive()) {
                send(process, Signal.SIGCONT);
            }
            thawed = true;
        }
    }
}
