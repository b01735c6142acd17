package io.zdtmudp.harness.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VmScopeTest {
    @Test
    void scopeParsing() {
        assertThat(VmScope.parse(null)).isEqualTo(VmScope.PER_RUN);
        assertThat(VmScope.parse("per-class")).isEqualTo(VmScope.PER_CLASS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> VmScope.parse("per-test")).hasMessageContaining("zdtm.vm.scope");
    }
}
