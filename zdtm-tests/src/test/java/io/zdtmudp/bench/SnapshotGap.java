package io.zdtmudp.bench;

import java.time.Duration;

/**
 * What ran on the host just before a snapshot start. A load writes every page of the guest's RAM (QEMU's
 * resident memory grows to the guest's size), and a host that hands freed memory back to its hypervisor
 * (virtio-balloon free page reporting, as on the machines this suite runs on) makes memory touched for the
 * first time in seconds far dearer than memory the previous QEMU has just freed.
 */
enum SnapshotGap {
    /** Right after the previous QEMU exited: its freed memory is still backed. */
    BACK_TO_BACK(Duration.ZERO),
    /** After the host sat idle long enough to hand that memory back. */
    AFTER_IDLE(Duration.ofSeconds(5));

    private final Duration idle;

    SnapshotGap(Duration idle) {
        this.idle = idle;
    }

    String label() {
        return idle.isZero() ? "back to back" : "after " + idle.toSeconds() + " s idle";
    }

    Duration idle() {
        return idle;
    }
}
