package io.zdtmudp.harness.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zdtmudp.harness.agent.ExecResult;
import io.zdtmudp.harness.agent.GuestAgentException;
import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.agent.GuestProcess;
import io.zdtmudp.harness.criu.CriuBinary;
import io.zdtmudp.harness.criu.CriuResult;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.ZdtmVm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The harness against the real guest: every agent operation, isolation, the share, and criu check. */
@ZdtmVm
class GuestVmIT {

    @Test
    void execReportsExitCodesOutputAndSignals(Guest guest) {
        ExecResult r = guest.exec(GuestCommand.builder().args("sh", "-c", "cat; echo err >&2; exit 7").stdin("in").build());
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.stdout()).isEqualTo("in");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(guest.exec("sh", "-c", "kill -TERM $$").exitCode()).isEqualTo(128 + 15);
        assertThat(guest.exec("true").succeeded()).isTrue();
    }

    @Test
    void execTimeoutKillsTheCommand(Guest guest) {
        ExecResult r = guest.exec(GuestCommand.builder().args("sh", "-c", "sleep 600 & sleep 600").timeout(Duration.ofSeconds(1)).build());
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(128 + 9);
    }

    @Test
    void missingBinaryIsAClearError(Guest guest) {
        assertThatThrownBy(() -> guest.exec("/no/such/tool")).isInstanceOf(GuestAgentException.class).hasMessageContaining("/no/such/tool");
    }

    @Test
    void spawnWaitAndKill(Guest guest) {
        String out = guest.workDir() + "/sleeper.out";
        GuestProcess p = guest.spawn(GuestCommand.builder().args("sh", "-c", "echo up; exec sleep 600").stdoutPath(out).build());
        assertThat(p.waitFor(Duration.ofMillis(300))).isEmpty();
        p.kill(15);
        assertThat(p.waitFor(guest.timeouts().call())).hasValue(128 + 15);
        assertThat(new String(guest.readFile(out), StandardCharsets.UTF_8)).isEqualTo("up\n");

        GuestProcess quick = guest.spawn("sh", "-c", "exit 3");
        assertThat(quick.waitFor(guest.timeouts().call())).hasValue(3);
    }

    @Test
    void filesRoundTripAndTheShareIsVisibleFromTheHost(Guest guest) throws Exception {
        byte[] data = new byte[1 << 20];
        new java.util.Random(1).nextBytes(data);
        guest.writeFile(guest.workDir() + "/blob", data, 0600);
        assertThat(guest.readFile(guest.workDir() + "/blob")).isEqualTo(data);
        assertThat(guest.run("stat", "-c", "%a", guest.workDir() + "/blob").stdout().strip()).isEqualTo("600");

        guest.run("sh", "-c", "echo from-guest > " + guest.guestShareDir() + "/hello.txt");
        assertThat(Files.readString(guest.hostDir().resolve("hello.txt"))).isEqualTo("from-guest\n");
        Files.writeString(guest.hostDir().resolve("to-guest.txt"), "from-host");
        assertThat(guest.run("cat", guest.guestShareDir() + "/to-guest.txt").stdout()).isEqualTo("from-host");
    }

    @Test
    void eachTestHasItsOwnNetworkNamespace(Guest guest) {
        String mine = guest.run("readlink", "/proc/self/ns/net").stdout().strip();
        String agents = guest.agent().exec(GuestCommand.of("readlink", "/proc/self/ns/net")).orThrow().stdout().strip();
        assertThat(mine).isNotEqualTo(agents);
        // lo is up; nothing else is (tunnel devices like sit0 exist in every netns, down).
        String links = guest.run(Guest.IP, "-o", "link").stdout();
        assertThat(links.lines()).anyMatch(l -> l.contains(" lo: <LOOPBACK,UP"));
        assertThat(links.lines().filter(l -> !l.contains(" lo: "))).noneMatch(l -> l.contains(",UP"));
        // An address added here is invisible from the agent's netns.
        guest.run(Guest.IP, "addr", "add", "10.9.9.9/32", "dev", "lo");
        assertThat(guest.run(Guest.IP, "-o", "addr").stdout()).contains("10.9.9.9");
        assertThat(guest.agent().exec(GuestCommand.of(Guest.IP, "-o", "addr")).orThrow().stdout()).doesNotContain("10.9.9.9");
    }

    @ParameterizedTest
    @EnumSource(CriuBinary.class)
    void criuCheckLooksGood(CriuBinary binary, Guest guest) {
        CriuResult r = guest.criu(binary).check();
        assertThat(r.output()).as(r.output()).contains("Looks good.");
        assertThat(r.exitCode()).isZero();
        assertThat(guest.criuLogs()).isNotEmpty();
    }

    @Test
    void theKernelIsHealthyAndUntainted(Guest guest) {
        assertThat(guest.kernelProblems()).isEmpty();
        assertThat(guest.agent().readText("/proc/sys/kernel/tainted").strip()).isEqualTo("0");
    }
}
