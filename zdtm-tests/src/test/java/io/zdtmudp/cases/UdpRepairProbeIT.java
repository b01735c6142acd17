package io.zdtmudp.cases;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.agent.ExecResult;
import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.KernelFeatures;
import io.zdtmudp.harness.junit.ZdtmVm;
import org.junit.jupiter.api.Test;

/**
 * The engine's one probe of the UDP repair interface (CRIU patch 45), which picks the dump's read-out, the cork
 * and the restore's injection for the whole run. Its answer depends on the caller as much as on the kernel:
 * CAP_NET_ADMIN over the network namespace the probe's socket lives in. So it must say no, naming EPERM, for a
 * criu that is root in a user namespace but sits in the initial network namespace, and yes for one whose user
 * namespace owns its network namespace. That is also why the answer is not cached in kerndat, which both would
 * read. On a kernel without the series the no is quiet: no warning for the plain ENOPROTOOPT.
 */
@ZdtmVm
class UdpRepairProbeIT {
    private static final String CHECK = "/usr/sbin/criu check -v4 --feature udp_repair 2>&1";
    private static final String NOT_THE_INTERFACE = "are not the UDP repair interface here";

    private static ExecResult sh(Guest guest, String command) {
        return guest.agent().exec(GuestCommand.of("sh", "-c", command));
    }

    @Test
    void rootInAUserNamespaceOfTheInitialNetworkNamespaceGetsNoByName(Guest guest) {
        KernelFeatures.assumeUdpRepair(guest, "UDP_REPAIR_CORK");
        ExecResult r = sh(guest, "unshare --user --map-root-user " + CHECK);
        assertThat(r.succeeded()).as("criu check in a user namespace without CAP_NET_ADMIN here:\n" + r.stdout())
                .isFalse();
        assertThat(r.stdout()).as("the probe's warning")
                .contains(NOT_THE_INTERFACE + " (getsockopt(UDP_REPAIR_CORK) fails: Operation not permitted)")
                .contains("taking the raw-socket path");
    }

    @Test
    void rootInAUserNamespaceOwningItsNetworkNamespaceGetsYes(Guest guest) {
        KernelFeatures.assumeUdpRepair(guest, "UDP_REPAIR_QUEUE");
        ExecResult r = sh(guest, "unshare --user --map-root-user --net " + CHECK);
        assertThat(r.succeeded()).as("criu check in a user namespace that owns its network namespace:\n" + r.stdout())
                .isTrue();
        assertThat(r.stdout()).doesNotContain(NOT_THE_INTERFACE);
    }

    @Test
    void aKernelWithoutTheSeriesIsAQuietNo(Guest guest) {
        KernelFeatures.Probe p = KernelFeatures.assumeNoUdpRepair(guest);
        ExecResult r = sh(guest, CHECK);
        assertThat(r.succeeded()).as("criu check --feature udp_repair on " + p.release() + ":\n" + r.stdout()).isFalse();
        assertThat(r.stdout()).as("ENOPROTOOPT, the plain no").doesNotContain(NOT_THE_INTERFACE);
    }
}
