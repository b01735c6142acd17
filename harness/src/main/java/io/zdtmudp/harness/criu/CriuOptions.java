package io.zdtmudp.harness.criu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Options dump, pre-dump and restore share. Subclasses add their own and render the argv. */
public abstract class CriuOptions {
    final String imagesDir;
    final String workDir;
    final String logFile;
    final int logLevel;
    final boolean shellJob;
    final boolean tcpEstablished;
    final boolean extUnixSk;
    final String actionScript;
    final Integer timeoutSeconds;
    final List<String> extraArgs;
    final Map<String, String> env;

    CriuOptions(Builder<?> b) {
        this.imagesDir = Objects.requireNonNull(b.imagesDir, "imagesDir");
        this.workDir = b.workDir;
        this.logFile = Objects.requireNonNull(b.logFile, "logFile");
        this.logLevel = b.logLevel;
        this.shellJob = b.shellJob;
        this.tcpEstablished = b.tcpEstablished;
        this.extUnixSk = b.extUnixSk;
        this.actionScript = b.actionScript;
        this.timeoutSeconds = b.timeoutSeconds;
        this.extraArgs = List.copyOf(b.extraArgs);
        this.env = Map.copyOf(b.env);
    }

    /** Environment CRIU runs with (e.g. CRIU_FAULT, see {@link Builder#fault}). */
    public Map<String, String> env() {
        return env;
    }

    public String imagesDir() {
        return imagesDir;
    }

    /** Where CRIU writes its log and pidfile: the work dir when given, else the images dir. */
    public String workDirOrImages() {
        return workDir != null ? workDir : imagesDir;
    }

    /** Absolute path of the log in the guest. */
    public String logPath() {
        return logFile.startsWith("/") ? logFile : workDirOrImages() + "/" + logFile;
    }

    /** The argv after the criu binary. */
    public abstract List<String> toArgs();

    /** The same options with CRIU's --timeout set, unless the caller chose one. */
    abstract CriuOptions withDefaultTimeout(int seconds);

    List<String> commonArgs() {
        List<String> a = new ArrayList<>(List.of("-D", imagesDir));
        if (workDir != null) {
            a.addAll(List.of("-W", workDir));
        }
        a.addAll(List.of("-o", logFile, "-v" + logLevel));
        if (shellJob) {
            a.add("--shell-job");
        }
        if (tcpEstablished) {
            a.add("--tcp-established");
        }
        if (extUnixSk) {
            a.add("--ext-unix-sk");
        }
        if (actionScript != null) {
            a.addAll(List.of("--action-script", actionScript));
        }
        if (timeoutSeconds != null) {
            a.addAll(List.of("--timeout", Integer.toString(timeoutSeconds)));
        }
        return a;
    }

    @SuppressWarnings("unchecked")
    public abstract static class Builder<B extends Builder<B>> {
        final Map<String, String> env = new LinkedHashMap<>();
        String imagesDir;
        String workDir;
        String logFile;
        int logLevel = 4;
        boolean shellJob;
        boolean tcpEstablished;
        boolean extUnixSk;
        String actionScript;
        Integer timeoutSeconds;
        final List<String> extraArgs = new ArrayList<>();

        Builder(String defaultLog) {
            this.logFile = defaultLog;
        }

        void copyFrom(CriuOptions o) {
            imagesDir = o.imagesDir;
            workDir = o.workDir;
            logFile = o.logFile;
            logLevel = o.logLevel;
            shellJob = o.shellJob;
            tcpEstablished = o.tcpEstablished;
            extUnixSk = o.extUnixSk;
            actionScript = o.actionScript;
            timeoutSeconds = o.timeoutSeconds;
            extraArgs.addAll(o.extraArgs);
            env.putAll(o.env);
        }

        public B env(String key, String value) {
            env.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return (B) this;
        }

        /** CRIU runs with this fault injected ({@code CRIU_FAULT}). */
        public B fault(CriuFault fault) {
            return env(CriuFault.ENV, fault.envValue());
        }

        public B imagesDir(String dir) {
            this.imagesDir = dir;
            return (B) this;
        }

        public B workDir(String dir) {
            this.workDir = dir;
            return (B) this;
        }

        /** Log file name (relative to the work dir) or absolute path. */
        public B logFile(String file) {
            this.logFile = file;
            return (B) this;
        }

        public B logLevel(int level) {
            if (level < 0 || level > 4) {
                throw new IllegalArgumentException("CRIU log level is 0..4: " + level);
            }
            this.logLevel = level;
            return (B) this;
        }

        public B shellJob(boolean on) {
            this.shellJob = on;
            return (B) this;
        }

        public B tcpEstablished(boolean on) {
            this.tcpEstablished = on;
            return (B) this;
        }

        public B extUnixSk(boolean on) {
            this.extUnixSk = on;
            return (B) this;
        }

        public B actionScript(String path) {
            this.actionScript = path;
            return (B) this;
        }

        /** CRIU's --timeout in seconds; by default the driver sets the scaled one. */
        public B timeoutSeconds(int seconds) {
            if (seconds < 1) {
                throw new IllegalArgumentException("timeout must be >= 1 s: " + seconds);
            }
            this.timeoutSeconds = seconds;
            return (B) this;
        }

        public B extraArgs(String... args) {
            this.extraArgs.addAll(List.of(args));
            return (B) this;
        }
    }
}
