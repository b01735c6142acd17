package io.zdtmudp.harness.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.vm.Accelerator;
import io.zdtmudp.harness.vm.GuestImage;
import io.zdtmudp.harness.vm.QemuVm;
import io.zdtmudp.harness.vm.Timeouts;
import io.zdtmudp.harness.vm.VmConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Boot-to-agent-ready and exec round trip, measured and reported (median), with generous bounds. */
class VmTimingIT {
    private static final int BOOTS = 5;
    private static final int EXECS = 30;

    @Test
    void bootToAgentAndExecRoundTrip() {
        GuestImage image = GuestImage.locate(System.getProperty(GuestImage.PROPERTY), Path.of(System.getProperty("user.dir")));
        Timeouts t = Timeouts.forAccelerator(Accelerator.TCG, System.getProperty(Timeouts.PROPERTY));
        List<Duration> boots = new ArrayList<>();
        List<Duration> execs = new ArrayList<>();
        List<Duration> pings = new ArrayList<>();
        for (int i = 0; i < BOOTS; i++) {
            VmConfig cfg = VmConfig.builder(image).runDir(Path.of("/tmp", "zdtm-timing-" + ProcessHandle.current().pid() + "-" + i)).build();
            try (QemuVm vm = QemuVm.start(cfg, t)) {
                boots.add(vm.bootTime());
                if (i == 0) {
                    for (int j = 0; j < EXECS; j++) {
                        long s = System.nanoTime();
                        vm.agent().exec(GuestCommand.of("true")).orThrow();
                        execs.add(Duration.ofNanos(System.nanoTime() - s));
                        s = System.nanoTime();
                        vm.agent().ping();
                        pings.add(Duration.ofNanos(System.nanoTime() - s));
                    }
                }
            }
        }
        System.out.printf("zdtm timing: boot-to-agent median %d ms %s; exec `true` median %d ms; ping median %d ms%n",
                median(boots).toMillis(), boots.stream().map(Duration::toMillis).toList(), median(execs).toMillis(), median(pings).toMillis());
        assertThat(median(boots)).isLessThan(t.boot());
        assertThat(median(execs)).isLessThan(Duration.ofSeconds(2));
    }

    private static Duration median(List<Duration> ds) {
        List<Duration> s = new ArrayList<>(ds);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
