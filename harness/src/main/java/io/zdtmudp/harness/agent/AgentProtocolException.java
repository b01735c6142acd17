package io.zdtmudp.harness.agent;

/** The byte stream from the guest does not follow PROTOCOL.md. */
public class AgentProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AgentProtocolException(String message) {
        super(message);
    }
}
