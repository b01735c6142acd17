package io.zdtmudp.harness.agent;

/** A guest command exited non-zero or timed out where success was required. */
public class GuestCommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ExecResult result;

    public GuestCommandFailedException(ExecResult result) {
        super(result.describe());
        this.result = result;
    }

    public ExecResult result() {
        return result;
    }
}
