package io.zdtmudp.harness.criu;

import io.zdtmudp.harness.agent.ExecResult;
import io.zdtmudp.harness.agent.GuestAgent;
import io.zdtmudp.harness.agent.GuestAgentException;
import io.zdtmudp.harness.agent.GuestCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code criu swrk} in the guest, reached through the agent: the requests go into a file, the guest's
 * {@code zdtm-criu-rpc} relay (vm-images/guest/rpc) starts {@code criu swrk} on a SOCK_SEQPACKET pair,
 * holds the directories open as its peer, and writes each response to a second file that comes back.
 */
public final class GuestSwrk implements CriuRpcClient.Transport {
    /** Where the guest image installs the relay. */
    public static final String RELAY = "/usr/sbin/zdtm-criu-rpc";
    private static final AtomicInteger SESSIONS = new AtomicInteger();

    private final GuestAgent agent;
    private final CriuBinary binary;
    private final String netns;
    private final String scratch;
    private final Duration timeout;
    private final List<String> launcher;

    /**
     * @param netns netns file CRIU runs in, or null for the agent's
     * @param scratch the guest directory for the session files ({@code rpc-N.req}, {@code rpc-N.resp})
     */
    public GuestSwrk(GuestAgent agent, CriuBinary binary, String netns, String scratch, Duration timeout) {
        this(agent, binary, netns, scratch, timeout, List.of());
    }

    /** @param launcher a command the relay runs through (empty for none): CRIU's launcher, see {@link Criu#through} */
    public GuestSwrk(GuestAgent agent, CriuBinary binary, String netns, String scratch, Duration timeout,
            List<String> launcher) {
        this.launcher = List.copyOf(launcher);
        this.agent = Objects.requireNonNull(agent);
        this.binary = Objects.requireNonNull(binary);
        this.netns = netns;
        this.scratch = Objects.requireNonNull(scratch);
        this.timeout = Objects.requireNonNull(timeout);
    }

    @Override
    public CriuRpcClient.Session run(List<byte[]> requests, List<String> dirs, Map<String, String> env) {
        String base = scratch + "/rpc-" + SESSIONS.incrementAndGet();
        agent.exec(GuestCommand.of("mkdir", "-p", scratch)).orThrow();
        agent.writeFile(base + ".req", CriuRpcClient.frame(requests), 0600);
        List<String> argv = new ArrayList<>(launcher);
        argv.addAll(List.of(RELAY, binary.path(), base + ".req", base + ".resp"));
        argv.addAll(dirs);
        GuestCommand.Builder cmd = GuestCommand.builder().args(argv).timeout(timeout);
        env.forEach(cmd::env);
        if (netns != null) {
            cmd.netns(netns);
        }
        ExecResult r = agent.exec(cmd.build());
        List<byte[]> responses;
        try {
            responses = CriuRpcClient.unframe(agent.readFile(base + ".resp"));
        } catch (GuestAgentException e) {
            // the relay stopped before it opened the file: its stderr says why
            responses = List.of();
        }
        return new CriuRpcClient.Session(responses, r.exitCode(), r.stdout() + r.stderr(), r.duration());
    }
}
