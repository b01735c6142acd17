package io.zdtmudp.harness.container;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CgroupContainerIdTest {
    private static final String ID = "4f1c0b7e9d2a3c5b6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f";

    @Test
    void cgroupV1WithCgroupfsDriver() {
        assertThat(CgroupContainerId.parse("12:pids:/docker/" + ID + "\n11:memory:/docker/" + ID + "\n")).hasValue(ID);
    }

    @Test
    void cgroupV2WithSystemdDriver() {
        assertThat(CgroupContainerId.parse("0::/system.slice/docker-" + ID + ".scope\n")).hasValue(ID);
    }

    @Test
    void nestedUnderAnOuterContainer() {
        assertThat(CgroupContainerId.parse("0::/docker/" + ID + "/init\n")).hasValue(ID);
    }

    @Test
    void aHostProcessHasNone() {
        assertThat(CgroupContainerId.parse("9:name=systemd:/\n8:pids:/\n0::/user.slice/session-1.scope\n")).isEmpty();
    }

    @Test
    void aShortOrForeignIdIsNotAContainer() {
        assertThat(CgroupContainerId.parse("8:pids:/docker/abc123\n")).isEmpty();
        assertThat(CgroupContainerId.parse("8:pids:/dockerd/" + ID + "\n")).isEmpty();
    }
}
