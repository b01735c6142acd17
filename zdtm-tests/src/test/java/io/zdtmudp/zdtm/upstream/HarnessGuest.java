package io.zdtmudp.zdtm.upstream;

import io.zdtmudp.harness.agent.ExecResult;
import io.zdtmudp.harness.agent.GuestAgentException;
import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.criu.CriuBinary;
import io.zdtmudp.harness.guest.Guest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link ZdtmGuest} over the harness's per-test {@link Guest}: commands run in the test's netns. */
final class HarnessGuest implements ZdtmGuest {
    /** ENOENT: READ_FILE of a file that does not exist. */
    private static final int ENOENT = 2;

    private final Guest guest;
    private final CriuBinary criu;

    HarnessGuest(Guest guest, CriuBinary criu) {
        this.guest = guest;
        this.criu = criu;
    }

    @Override
    public GuestRun run(List<String> argv, Map<String, String> env, String cwd, Duration timeout) {
        GuestCommand.Builder b = GuestCommand.builder().args(argv).cwd(cwd).timeout(timeout);
        env.forEach(b::env);
        ExecResult r = guest.exec(b.build());
        return new GuestRun(r.argv(), r.exitCode(), r.stdout(), r.stderr(), r.timedOut(), r.duration());
    }

    @Override
    public Optional<byte[]> read(String path) {
        try {
            return Optional.of(guest.readFile(path));
        } catch (GuestAgentException e) {
            if (e.errno().isPresent() && e.errno().getAsInt() == ENOENT) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void attach(String name, byte[] content) {
        guest.attach(name, content);
    }

    @Override
    public String workDir() {
        return guest.workDir();
    }

    @Override
    public double slowdown() {
        return guest.timeouts().slowdown();
    }

    @Override
    public String criu() {
        return criu.path();
    }

    @Override
    public int spawnDaemon(List<String> argv) {
        return guest.agent().spawn(GuestCommand.builder().args(argv).build()).pid();
    }
}
