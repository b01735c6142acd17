package io.zdtmudp.harness.udp;

import io.zdtmudp.harness.criu.CriuFault;
import java.util.Optional;

/**
 * How the patched engine puts a receive queue back on restore. It picks the
 * kernel's UDP_REPAIR_QUEUE when the kernel has it and raw sockets otherwise;
 * a case can force raw sockets, so both paths run against the same cases.
 */
public enum QueueInjection {
    /** The engine's own choice (kernel interface when available). */
    AUTO(null),
    /** Raw sockets with spoofed sources: the path for stock kernels. */
    RAW("raw"),
    /** setsockopt(UDP_REPAIR_QUEUE) of our kernel patch: the engine's choice where the kernel has it. */
    KERNEL("kernel");

    private final String pathName;

    QueueInjection(String pathName) {
        this.pathName = pathName;
    }

    /** What the engine's log calls this path ("put back through raw"), null for its own choice. */
    public String pathName() {
        return pathName;
    }

    /** The fault that makes the engine take this path on a kernel with UDP repair, if it needs one. */
    public Optional<CriuFault> fault() {
        return this == RAW ? Optional.of(CriuFault.UDP_QUEUE_NO_REPAIR) : Optional.empty();
    }
}
