package io.zdtmudp.harness.agent;

import java.util.OptionalInt;

/** The agent answered ERROR: the request itself failed (no such file, exec failed, bad frame). */
public class GuestAgentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public GuestAgentException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The guest errno, when the agent reported one. */
    public OptionalInt errno() {
        return errno > 0 ? OptionalInt.of(errno) : OptionalInt.empty();
    }
}
