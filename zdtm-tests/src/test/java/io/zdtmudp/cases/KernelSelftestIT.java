package io.zdtmudp.cases;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.agent.ExecResult;
import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.KernelFeatures;
import io.zdtmudp.harness.junit.ZdtmVm;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The kernel series' own kselftest (tools/testing/selftests/net/udp_repair.c),
 * built from the patched tree into the guest, passes there: every TAP line is
 * "ok", none is "not ok", and the plan was run to its end.
 */
@ZdtmVm
@Isolated("the kselftest drives UDP_REPAIR in the kernel directly; alone, a splat or a timeout is its own")
class KernelSelftestIT {
    private static final String SELFTEST = "/opt/zdtm/selftests/udp_repair";

    @Test
    void udpRepairSelftestPasses(Guest guest) {
        KernelFeatures.assumeUdpRepair(guest, "the udp_repair kselftest, which the guest has only for our kernels");
        OwnKernelImage.assumeGuestHas(guest, SELFTEST, "the udp_repair kselftest");
        ExecResult r = guest.exec(GuestCommand.builder().args(SELFTEST)
                .timeout(guest.timeouts().scale(Duration.ofSeconds(60))).build());
        guest.attach("udp_repair.tap", r.stdout() + r.stderr());

        List<String> lines = Arrays.asList(r.stdout().split("\n"));
        List<String> failed = lines.stream().filter(l -> l.startsWith("not ok")).toList();
        long passed = lines.stream().filter(l -> l.startsWith("ok ")).count();
        String plan = lines.stream().filter(l -> l.matches("1\\.\\.\\d+")).findFirst().orElse("");

        assertThat(failed).as("failed selftest cases").isEmpty();
        assertThat(plan).as("TAP plan line").isNotEmpty();
        assertThat(passed).as("cases that passed").isEqualTo(Long.parseLong(plan.substring(3)));
        assertThat(r.exitCode()).as("selftest exit status").isZero();
    }
}
