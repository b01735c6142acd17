package io.zdtmudp.harness.udp;

import java.util.List;

/**
 * The engine's {@code --udp-queues} option: what a receive queue it cannot save or put back as it was does
 * (a UDP_GRO aggregate; on the raw path, a datagram to a destination that is not local).
 */
public enum UdpQueuesMode {
    /** CRIU's default: restore the queues, drop such a queue with a warning (stock CRIU drops them all). */
    RESTORE("restore"),
    /** Fail the dump or the restore on such a queue, naming what it holds. */
    STRICT("strict"),
    /** Drop every queue with a warning, as CRIU did before it restored them. */
    DROP("drop");

    private final String value;

    UdpQueuesMode(String value) {
        this.value = value;
    }

    /** The CRIU arguments that ask for this mode: none for the default, so a case also proves the default. */
    public List<String> criuArgs() {
        return this == RESTORE ? List.of() : List.of("--udp-queues", value);
    }
}
