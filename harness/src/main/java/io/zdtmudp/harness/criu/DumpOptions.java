package io.zdtmudp.harness.criu;

import java.util.ArrayList;
import java.util.List;

/** criu dump / pre-dump options. */
public final class DumpOptions extends CriuOptions {
    /** Our engine's bound on the time a dump peeks at receive queues; stock CRIU has no such option. */
    public static final String UDP_PEEK_LIMIT = "--udp-peek-limit";

    private final int pid;
    private final boolean leaveRunning;
    private final String prevImagesDir;
    private final boolean trackMem;

    private DumpOptions(Builder b) {
        super(b);
        if (b.pid <= 0) {
            throw new IllegalArgumentException("dump needs the pid of the tree root (-t)");
        }
        this.pid = b.pid;
        this.leaveRunning = b.leaveRunning;
        this.prevImagesDir = b.prevImagesDir;
        this.trackMem = b.trackMem;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.copyFrom(this);
        b.pid = pid;
        b.leaveRunning = leaveRunning;
        b.prevImagesDir = prevImagesDir;
        b.trackMem = trackMem;
        return b;
    }

    /** Whether the dump leaves the task running ({@code --leave-running}). */
    public boolean leaveRunning() {
        return leaveRunning;
    }

    public int pid() {
        return pid;
    }

    @Override
    public List<String> toArgs() {
        List<String> a = new ArrayList<>(List.of("-t", Integer.toString(pid)));
        a.addAll(commonArgs());
        if (leaveRunning) {
            a.add("--leave-running");
        }
        if (trackMem) {
            a.add("--track-mem");
        }
        if (prevImagesDir != null) {
            a.addAll(List.of("--prev-images-dir", prevImagesDir));
        }
        a.addAll(extraArgs);
        return a;
    }

    @Override
    DumpOptions withDefaultTimeout(int seconds) {
        return timeoutSeconds != null ? this : toBuilder().timeoutSeconds(seconds).build();
    }

    /**
     * The same options with {@code --udp-peek-limit millis} (our engine's), unless the caller chose a limit.
     * Pre-dumps read no queue, but accept the option.
     */
    DumpOptions withDefaultUdpPeekLimit(long millis) {
        boolean chosen = extraArgs.stream().anyMatch(a -> a.equals(UDP_PEEK_LIMIT) || a.startsWith(UDP_PEEK_LIMIT + "="));
        return chosen ? this : toBuilder().extraArgs(UDP_PEEK_LIMIT, Long.toString(millis)).build();
    }

    public static final class Builder extends CriuOptions.Builder<Builder> {
        private int pid;
        private boolean leaveRunning;
        private String prevImagesDir;
        private boolean trackMem;

        private Builder() {
            super("dump.log");
        }

        /** The root of the process tree to dump (-t). */
        public Builder pid(int pid) {
            this.pid = pid;
            return this;
        }

        public Builder leaveRunning(boolean on) {
            this.leaveRunning = on;
            return this;
        }

        /** For iterative dumps: the previous (pre-)dump's images, relative to this images dir or absolute. */
        public Builder prevImagesDir(String dir) {
            this.prevImagesDir = dir;
            return this;
        }

        public Builder trackMem(boolean on) {
            this.trackMem = on;
            return this;
        }

        public DumpOptions build() {
            return new DumpOptions(this);
        }
    }
}
