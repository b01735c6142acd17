package io.zdtmudp.harness.agent;

/** The agent did not answer a request in time; the channel may still be alive. */
public class GuestAgentTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GuestAgentTimeoutException(String message) {
        super(message);
    }
}
