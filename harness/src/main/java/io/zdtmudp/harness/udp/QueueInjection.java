package io.zdtmudp.harness.udp;

/**
 * How the patched engine puts a receive queue back on restore. It picks the
 * kernel's UDP_REPAIR_QUEUE when the kernel has it and raw sockets otherwise;
 * a case can force either, so both paths run against the same cases.
 */
public enum QueueInjection {
    /** The engine's own choice (kernel interface when available). */
    AUTO(null),
    /** Raw sockets with spoofed sources: the path for stock kernels. */
    RAW("raw"),
    /** setsockopt(UDP_REPAIR_QUEUE) of our kernel patch. */
    KERNEL("kernel");

    /** The engine reads this variable (see vm-images/criu/PATCHES.md). */
    public static final String ENV = "CRIU_UDP_QUEUE_INJECT";

    private final String value;

    QueueInjection(String value) {
        this.value = value;
    }

    /** The variable's value, or null to leave it unset. */
    public String envValue() {
        return value;
    }
}
