package io.zdtmudp.harness.udp;

import io.zdtmudp.harness.criu.CriuFault;
import java.util.Optional;

/**
 * How the patched engine reads a receive queue on dump. It uses the kernel's one-pass read-out
 * (getsockopt UDP_REPAIR_QUEUE) when the kernel has it and peeks otherwise; a case can force the
 * peek so the stock-kernel path runs on our kernel too.
 */
public enum QueueReadout {
    /** The engine's own choice (the kernel read-out when available). */
    AUTO,
    /** recvmmsg(MSG_PEEK) walks at SO_PEEK_OFF: the path for stock kernels. */
    PEEK;

    /** The fault that makes the engine take this path on a kernel with the read-out, if it needs one. */
    public Optional<CriuFault> fault() {
        return this == PEEK ? Optional.of(CriuFault.UDP_QUEUE_NO_REPAIR) : Optional.empty();
    }
}
