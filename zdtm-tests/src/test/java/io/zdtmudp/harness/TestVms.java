package io.zdtmudp.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.criu.CriuBinary;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.net.IpFamily;
import io.zdtmudp.harness.net.Payload;
import io.zdtmudp.harness.udp.UdpRun;
import io.zdtmudp.harness.udp.UdpScenario;
import io.zdtmudp.harness.vm.Accelerator;
import io.zdtmudp.harness.vm.QemuVm;
import io.zdtmudp.harness.vm.QemuVmFactory;
import io.zdtmudp.harness.vm.Timeouts;
import io.zdtmudp.harness.vm.VmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** VMs for the harness ITs: the QEMU factory's, under TCG. */
final class TestVms {
    private TestVms() {}

    static Timeouts timeouts() {
        return Timeouts.forAccelerator(Accelerator.TCG, System.getProperty(Timeouts.PROPERTY));
    }

    /** The QEMU factory's next VM, not started, under TCG whatever -Dzdtm.accel says (the timeouts are TCG's). */
    static VmConfig config() {
        return new QemuVmFactory().config(key -> key.equals(Accelerator.PROPERTY) ? Optional.of(Accelerator.TCG.qemuName())
                : Optional.ofNullable(System.getProperty(key)));
    }

    /** The process is gone from /proc (not even a zombie). */
    static boolean gone(long pid) {
        return !Files.exists(Path.of("/proc", Long.toString(pid)));
    }

    /** A receive queue of three datagrams survives a dump and restore in {@code vm}, byte for byte. */
    static void queueSurvivesCheckpointRestore(QemuVm vm, int guestId) {
        try (Guest guest = Guest.open(vm, guestId, CriuBinary.PATCHED)) {
            var s = new UdpScenario();
            var rx = s.socket("rx", IpFamily.INET).bind(IpFamily.INET.loopback().withPort(7000)).pktinfo();
            var tx = s.socket("tx", IpFamily.INET).bind(IpFamily.INET.loopback().withPort(7001));
            s.send(tx, rx, Payload.text("one"));
            s.send(tx, rx, Payload.text("two"));
            s.send(tx, rx, Payload.text("three"));
            try (var run = UdpRun.start(guest, s)) {
                assertThat(run.checkpointRestoreAndCompare().received(rx)).hasSize(3);
            }
        }
    }
}
