package io.zdtmudp.harness.criu;

/**
 * CRIU's fault injection, its one switch for test-only behaviour: {@code CRIU_FAULT=<number>} in the
 * environment of one CRIU invocation. Numbers are CRIU's {@code enum faults} (criu/include/fault-injection.h).
 */
public enum CriuFault {
    /**
     * UDP receive queues take the path of a kernel without UDP_REPAIR_QUEUE: the dump peeks, the restore
     * sends through raw sockets (our series, vm-images/criu/patches 0030).
     */
    UDP_QUEUE_NO_REPAIR(139),

    /**
     * criu SIGKILLs itself with a task's socket set up for the peek walk (SO_PEEK_OFF 0, every control message
     * on); the dump peeks on any kernel (vm-images/criu/patches 0049).
     */
    UDP_WALK_KILLED(140);

    /** The variable CRIU reads once at start. */
    public static final String ENV = "CRIU_FAULT";

    private final int number;

    CriuFault(int number) {
        this.number = number;
    }

    /** The variable's value. */
    public String envValue() {
        return Integer.toString(number);
    }
}
