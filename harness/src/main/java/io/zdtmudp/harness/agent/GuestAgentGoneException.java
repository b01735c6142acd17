package io.zdtmudp.harness.agent;

/** The channel to the agent is closed (QEMU exited, the agent died): no call can succeed any more. */
public class GuestAgentGoneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GuestAgentGoneException(String message, Throwable cause) {
        super(message, cause);
    }
}
