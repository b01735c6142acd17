package io.zdtmudp.harness.vm;

import io.zdtmudp.harness.agent.GuestAgent;
import java.nio.file.Path;
import java.util.Optional;

/** A running guest the harness can talk to. {@link QemuVm} is the real one; tests may supply fakes. */
public interface Vm extends AutoCloseable {
    /** Where the host share is mounted in the guest (9p tag zdtm). */
    String GUEST_SHARE = "/mnt/host";

    GuestAgent agent();

    /** False once the guest is gone (QEMU exited, agent channel closed). */
    boolean isAlive();

    /** The serial console log file, if there is one. */
    Optional<Path> consoleLog();

    /** The last {@code lines} lines of the serial console. */
    String consoleTail(int lines);

    /** The host directory shared into the guest at {@link #GUEST_SHARE}, if any. */
    Optional<Path> shareDir();

    Timeouts timeouts();

    /** Stops the guest; never leaves a process behind. */
    @Override
    void close();
}
