package io.zdtmudp.harness.criu;

import java.util.ArrayList;
import java.util.List;

/** criu restore options. */
public final class RestoreOptions extends CriuOptions {
    private final boolean restoreDetached;
    private final String pidFile;

    private RestoreOptions(Builder b) {
        super(b);
        this.restoreDetached = b.restoreDetached;
        this.pidFile = b.pidFile;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.copyFrom(this);
        b.restoreDetached = restoreDetached;
        b.pidFile = pidFile;
        return b;
    }

    /** Absolute path of the pidfile in the guest, if one was asked for. */
    public String pidFilePath() {
        if (pidFile == null) {
            return null;
        }
        return pidFile.startsWith("/") ? pidFile : workDirOrImages() + "/" + pidFile;
    }

    @Override
    public List<String> toArgs() {
        List<String> a = new ArrayList<>(commonArgs());
        if (restoreDetached) {
            a.add("--restore-detached");
        }
        if (pidFile != null) {
            a.addAll(List.of("--pidfile", pidFilePath()));
        }
        a.addAll(extraArgs);
        return a;
    }

    @Override
    RestoreOptions withDefaultTimeout(int seconds) {
        return timeoutSeconds != null ? this : toBuilder().timeoutSeconds(seconds).build();
    }

    public static final class Builder extends CriuOptions.Builder<Builder> {
        private boolean restoreDetached = true;
        private String pidFile = "restore.pid";

        private Builder() {
            super("restore.log");
        }

        /** Default true: the restored tree is reparented to the agent (a subreaper), which can WAIT on it. */
        public Builder restoreDetached(boolean on) {
            this.restoreDetached = on;
            return this;
        }

        /** Where CRIU writes the restored root's pid (default restore.pid in the work dir); null for none. */
        public Builder pidFile(String file) {
            this.pidFile = file;
            return this;
        }

        public RestoreOptions build() {
            return new RestoreOptions(this);
        }
    }
}
