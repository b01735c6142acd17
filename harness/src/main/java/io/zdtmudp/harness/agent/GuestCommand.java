package io.zdtmudp.harness.agent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A command to run in the guest: argv plus how to run it. Immutable; derive variants with {@link #toBuilder()}. */
public final class GuestCommand {
    private final List<String> argv;
    private final Map<String, String> env;
    private final String cwd;
    private final byte[] stdin;
    private final Duration timeout;
    private final String netns;
    private final String stdoutPath;
    private final String stderrPath;

    private GuestCommand(Builder b) {
        if (b.argv.isEmpty()) {
            throw new IllegalArgumentException("a guest command needs at least argv[0]");
        }
        this.argv = List.copyOf(b.argv);
        this.env = Map.copyOf(b.env);
        this.cwd = b.cwd;
        this.stdin = b.stdin;
        this.timeout = b.timeout;
        this.netns = b.netns;
        this.stdoutPath = b.stdoutPath;
        this.stderrPath = b.stderrPath;
    }

    public static GuestCommand of(String... argv) {
        return builder().args(argv).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.argv.addAll(argv);
        b.env.putAll(env);
        b.cwd = cwd;
        b.stdin = stdin;
        b.timeout = timeout;
        b.netns = netns;
        b.stdoutPath = stdoutPath;
        b.stderrPath = stderrPath;
        return b;
    }

    public List<String> argv() {
        return argv;
    }

    public Map<String, String> env() {
        return env;
    }

    public Optional<String> cwd() {
        return Optional.ofNullable(cwd);
    }

    public Optional<byte[]> stdin() {
        return Optional.ofNullable(stdin).map(byte[]::clone);
    }

    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    public Optional<String> netns() {
        return Optional.ofNullable(netns);
    }

    public Optional<String> stdoutPath() {
        return Optional.ofNullable(stdoutPath);
    }

    public Optional<String> stderrPath() {
        return Optional.ofNullable(stderrPath);
    }

    /** The request fields, in PROTOCOL.md order, for EXEC or SPAWN. */
    void writeFields(AgentFrame.Builder frame, boolean spawn) {
        argv.forEach(a -> frame.string(Protocol.ARGV, a));
        env.forEach((k, v) -> frame.string(Protocol.ENV, k + "=" + v));
        if (cwd != null) {
            frame.string(Protocol.CWD, cwd);
        }
        if (netns != null) {
            frame.string(Protocol.NETNS, netns);
        }
        if (spawn) {
            if (stdoutPath != null) {
                frame.string(Protocol.STDOUT_PATH, stdoutPath);
            }
            if (stderrPath != null) {
                frame.string(Protocol.STDERR_PATH, stderrPath);
            }
        } else {
            if (stdin != null) {
                frame.bytes(Protocol.STDIN, stdin);
            }
            if (timeout != null) {
                frame.u32(Protocol.TIMEOUT_MS, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
            }
        }
    }

    @Override
    public String toString() {
        return String.join(" ", argv) + (netns != null ? " [netns " + netns + "]" : "");
    }

    public static final class Builder {
        private final List<String> argv = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private String cwd;
        private byte[] stdin;
        private Duration timeout;
        private String netns;
        private String stdoutPath;
        private String stderrPath;

        private Builder() {}

        public Builder args(String... args) {
            for (String a : args) {
                argv.add(Objects.requireNonNull(a, "argv element"));
            }
            return this;
        }

        public Builder args(List<String> args) {
            return args(args.toArray(String[]::new));
        }

        public Builder env(String key, String value) {
            if (key.isEmpty() || key.contains("=")) {
                throw new IllegalArgumentException("bad environment name: " + key);
            }
            env.put(key, value);
            return this;
        }

        public Builder cwd(String dir) {
            this.cwd = dir;
            return this;
        }

        public Builder stdin(byte[] data) {
            this.stdin = data == null ? null : data.clone();
            return this;
        }

        public Builder stdin(String text) {
            return stdin(text.getBytes(StandardCharsets.UTF_8));
        }

        /** The guest kills the command's whole process group at this timeout (EXEC only). */
        public Builder timeout(Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** A netns file, e.g. /run/netns/z1; null runs in the agent's netns. */
        public Builder netns(String path) {
            this.netns = path;
            return this;
        }

        /** Where a spawned process writes stdout (default /dev/null). */
        public Builder stdoutPath(String path) {
            this.stdoutPath = path;
            return this;
        }

        /** Where a spawned process writes stderr (default: the stdout file). */
        public Builder stderrPath(String path) {
            this.stderrPath = path;
            return this;
        }

        public GuestCommand build() {
            return new GuestCommand(this);
        }
    }
}
