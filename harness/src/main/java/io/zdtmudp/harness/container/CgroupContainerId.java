package io.zdtmudp.harness.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Docker container a host process runs in, read from its /proc/PID/cgroup: the proof, independent of
 * what Docker's API says, that QEMU is confined to the container. Covers cgroup v1 and v2 with the cgroupfs
 * (/docker/ID) and systemd (docker-ID.scope) drivers.
 */
final class CgroupContainerId {
    private static final Pattern DOCKER_ID = Pattern.compile("(?:/docker/|/docker-)([0-9a-f]{64})(?:\\.scope)?(?:/|$)");

    private CgroupContainerId() {}

    static Optional<String> parse(String cgroupFile) {
        for (String line : cgroupFile.split("\n")) {
            Matcher m = DOCKER_ID.matcher(line.strip());
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    static Optional<String> ofPid(long pid) {
        try {
            return parse(Files.readString(Path.of("/proc", Long.toString(pid), "cgroup")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
