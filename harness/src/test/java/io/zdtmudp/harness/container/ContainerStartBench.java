package io.zdtmudp.harness.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.backend.VmBackend;
import io.zdtmudp.harness.vm.QemuVm;
import io.zdtmudp.harness.vm.QemuVmFactory;
import io.zdtmudp.harness.vm.VmFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What the container costs at start: boots to agent ready with host QEMU and with QEMU in a container,
 * alternated in one JVM so both see the same load; medians and their ratio on stderr. Not an IT (no
 * verdict on time, which is noise on a shared machine): run with -Dit.test=ContainerStartBench.
 */
@EnabledIfSystemProperty(named = VmBackend.PROPERTY, matches = "container")
class ContainerStartBench {
    private static final int BOOTS = Integer.getInteger("zdtm.bench.boots", 5);

    @Test
    void hostVersusContainerBoot() {
        ContainerVmFactory.image(); // a first image build is not a start cost
        List<Long> host = new ArrayList<>();
        List<Long> container = new ArrayList<>();
        for (int i = 0; i < BOOTS; i++) {
            host.add(bootMillis(new QemuVmFactory()));
            container.add(bootMillis(new ContainerVmFactory()));
        }
        long h = median(host);
        long c = median(container);
        System.err.printf("zdtm bench: boot to agent ready over %d boots each: host QEMU median %d ms %s,"
                + " container median %d ms %s, ratio %.2f, overhead %d ms%n", BOOTS, h, host, c, container, (double) c / h, c - h);
    }

    private static long bootMillis(VmFactory factory) {
        try (QemuVm vm = (QemuVm) factory.create(key -> Optional.ofNullable(System.getProperty(key)))) {
            assertThat(vm.agent().ping()).as("agent protocol version").isPositive();
            return vm.bootTime().toMillis();
        }
    }

    private static long median(List<Long> xs) {
        List<Long> s = xs.stream().sorted().toList();
        return s.get(s.size() / 2);
    }
}
