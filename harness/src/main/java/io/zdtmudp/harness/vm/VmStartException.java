package io.zdtmudp.harness.vm;

/** The guest did not come up: QEMU failed, or the agent never said HELLO. Carries the console tail. */
public class VmStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VmStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
