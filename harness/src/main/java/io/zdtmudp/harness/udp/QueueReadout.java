package io.zdtmudp.harness.udp;

/**
 * How the patched engine reads a receive queue on dump. It uses the kernel's one-pass read-out
 * (getsockopt UDP_REPAIR_QUEUE) when the kernel has it and peeks otherwise; a case can force the
 * peek so the stock-kernel path runs on our kernel too.
 */
public enum QueueReadout {
    /** The engine's own choice (the kernel read-out when available). */
    AUTO(null),
    /** recvmmsg(MSG_PEEK) walks at SO_PEEK_OFF: the path for stock kernels. */
    PEEK("peek");

    /** The engine reads this variable (see vm-images/criu/PATCHES.md). */
    public static final String ENV = "CRIU_UDP_QUEUE_DUMP";

    private final String value;

    QueueReadout(String value) {
        this.value = value;
    }

    /** The variable's value, or null to leave it unset. */
    public String envValue() {
        return value;
    }
}
