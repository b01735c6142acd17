package io.zdtmudp.harness.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SnapshotStartTest {
    @Test
    void snapshotsAreOnUnlessTheyAreOff() {
        assertThat(SnapshotStart.enabled(null)).isTrue();
        assertThat(SnapshotStart.enabled("")).isTrue();
        assertThat(SnapshotStart.enabled(" ON ")).isTrue();
        assertThat(SnapshotStart.enabled("off")).isFalse();
        assertThatThrownBy(() -> SnapshotStart.enabled("maybe")).hasMessage("zdtm.snapshot must be on or off, got 'maybe'");
    }
}
