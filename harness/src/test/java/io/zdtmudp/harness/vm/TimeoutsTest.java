package io.zdtmudp.harness.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimeoutsTest {
    @Test
    void tcgIsTenTimesSlowerThanKvmByDefault() {
        Timeouts tcg = Timeouts.forAccelerator(Accelerator.TCG, null);
        Timeouts kvm = Timeouts.forAccelerator(Accelerator.KVM, "");
        assertThat(tcg.slowdown()).isEqualTo(10);
        assertThat(kvm.slowdown()).isEqualTo(1);
        assertThat(tcg.boot()).isEqualTo(kvm.boot().multipliedBy(10));
        assertThat(tcg.call()).isEqualTo(kvm.call().multipliedBy(10));
        assertThat(tcg.criuTimeoutSeconds()).isEqualTo(kvm.criuTimeoutSeconds() * 10);
        assertThat(kvm.udpPeekLimitMillis()).as("the engine's own default").isEqualTo(2000);
        assertThat(tcg.udpPeekLimitMillis()).isEqualTo(20000);
    }

    @Test
    void overrideWinsAndScalesEveryWait() {
        Timeouts t = Timeouts.forAccelerator(Accelerator.TCG, "2.5");
        assertThat(t.scale(Duration.ofSeconds(4))).isEqualTo(Duration.ofSeconds(10));
        assertThat(t.boot()).isEqualTo(Duration.ofMillis((long) (Timeouts.BASE_BOOT.toMillis() * 2.5)));
        assertThat(t.grace()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void badOverridesAreRejectedWithThePropertyName() {
        assertThatThrownBy(() -> Timeouts.forAccelerator(Accelerator.TCG, "fast")).hasMessageContaining("zdtm.slowdown");
        assertThatThrownBy(() -> new Timeouts(0.5)).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> new Timeouts(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void criuTimeoutIsAtLeastOneSecond() {
        assertThat(new Timeouts(1).criuTimeoutSeconds()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void acceleratorParsing() {
        assertThat(Accelerator.parse(null)).isEqualTo(Accelerator.TCG);
        assertThat(Accelerator.parse("KVM")).isEqualTo(Accelerator.KVM);
        assertThat(Accelerator.parse("auto")).isNull();
        assertThatThrownBy(() -> Accelerator.parse("hvf")).hasMessageContaining("zdtm.accel");
    }
}
