package io.zdtmudp.harness.vm;

import java.time.Duration;

/**
 * Every wait in the harness, scaled by one slowdown factor: a TCG guest runs about ten times slower
 * than a KVM one, and a wait tuned for one is wrong for the other. Base values are for KVM speed.
 */
public record Timeouts(double slowdown) {
    public static final String PROPERTY = "zdtm.slowdown";

    static final Duration BASE_BOOT = Duration.ofSeconds(8);
    static final Duration BASE_CALL = Duration.ofSeconds(30);
    static final Duration BASE_GRACE = Duration.ofSeconds(2);
    static final Duration BASE_CRIU = Duration.ofSeconds(10);
    static final Duration BASE_SHUTDOWN = Duration.ofSeconds(1);
    /** The engine's default --udp-peek-limit. */
    static final Duration BASE_UDP_PEEK = Duration.ofSeconds(2);

    public Timeouts {
        if (!(slowdown >= 1.0) || Double.isInfinite(slowdown)) {
            throw new IllegalArgumentException("slowdown must be a finite number >= 1, got " + slowdown);
        }
    }

    /** TCG 10, KVM 1, unless {@code override} (the value of -Dzdtm.slowdown) says otherwise. */
    public static Timeouts forAccelerator(Accelerator accel, String override) {
        if (override != null && !override.isBlank()) {
            try {
                return new Timeouts(Double.parseDouble(override.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(PROPERTY + " must be a number, got '" + override + "'", e);
            }
        }
        return new Timeouts(accel == Accelerator.KVM ? 1 : 10);
    }

    public Duration scale(Duration base) {
        return Duration.ofMillis(Math.round(base.toMillis() * slowdown));
    }

    /** Boot until the agent's HELLO. */
    public Duration boot() {
        return scale(BASE_BOOT);
    }

    /** An agent call without a timeout of its own. */
    public Duration call() {
        return scale(BASE_CALL);
    }

    /** Added to a command's own timeout for the guest to kill it and answer. */
    public Duration grace() {
        return scale(BASE_GRACE);
    }

    /** CRIU's --timeout, in whole seconds (at least 1). */
    public int criuTimeoutSeconds() {
        return (int) Math.max(1, scale(BASE_CRIU).toSeconds());
    }

    /**
     * Our engine's {@code --udp-peek-limit}, in milliseconds: how long a dump may peek at receive queues (the
     * stock-kernel path) before it gives a queue up. Its default is for real hardware; scaled like every wait
     * here, a queue the default lets through on a machine passes under emulation too, and one it gives up
     * on there is given up on here.
     */
    public long udpPeekLimitMillis() {
        return scale(BASE_UDP_PEEK).toMillis();
    }

    /** How long QEMU gets to quit after QMP quit before it is destroyed. */
    public Duration shutdown() {
        return scale(BASE_SHUTDOWN);
    }
}
