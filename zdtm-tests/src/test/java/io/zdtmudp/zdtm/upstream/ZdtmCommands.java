package io.zdtmudp.zdtm.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The guest command lines of one upstream test run, the same zdtm.py builds (test start, CRIU dump, pre-dump
 * and restore), as pure data so they can be checked without a guest.
 */
final class ZdtmCommands {
    /** zdtm.py's unprivileged ids ("numbers should match those in criu"). */
    static final String ZDTM_UID = "18943";
    static final String ZDTM_GID = "58467";
    static final String ZDTM_GROUPS = "27495 48244";
    static final String NS_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** CRIU's PATH: GNU tar from the upstream tests' directory first (CRIU runs tar for tmpfs mounts). */
    static final String CRIU_PATH = Manifest.GUEST_DIR + "/bin:" + NS_PATH;
    /** CRIU's freeze timeout as zdtm.py passes it, before scaling. */
    static final Duration CRIU_FREEZE_TIMEOUT = Duration.ofSeconds(10);

    private final ListEntry entry;
    private final ZdtmDesc desc;
    private final Flavor flavor;
    private final CaseLayout layout;
    private final List<String> extraArgs;
    private final String criu;
    private final List<String> guestCriuOpts;
    private final double slowdown;

    ZdtmCommands(ListEntry entry, ZdtmDesc desc, Flavor flavor, CaseLayout layout, List<String> extraArgs,
            String criu, List<String> guestCriuOpts, double slowdown) {
        this.entry = entry;
        this.desc = desc;
        this.flavor = flavor;
        this.layout = layout;
        this.extraArgs = List.copyOf(extraArgs);
        this.criu = criu;
        this.guestCriuOpts = List.copyOf(guestCriuOpts);
        this.slowdown = slowdown;
    }

    /** Starts the test; it daemonizes and the command returns once the test is ready to be checkpointed. */
    List<String> startArgv() {
        List<String> argv = new ArrayList<>();
        argv.add("./" + entry.baseName());
        argv.add("--pidfile=" + entry.baseName() + ".pid");
        argv.add("--outfile=" + entry.baseName() + ".out");
        argv.addAll(extraArgs);
        return argv;
    }

    Map<String, String> startEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TMPDIR", "/tmp");
        env.put("ZDTM_THREAD_BOMB", "5");
        if (!desc.suid()) {
            env.put("ZDTM_UID", ZDTM_UID);
            env.put("ZDTM_GID", ZDTM_GID);
            env.put("ZDTM_GROUPS", ZDTM_GROUPS);
        }
        if (flavor.namespaced()) {
            env.put("ZDTM_NEWNS", "1");
            env.put("ZDTM_ROOT", layout.root());
            env.put("ZDTM_DEV", layout.dev());
            env.put("PATH", NS_PATH);
            if (flavor.userns()) {
                env.put("ZDTM_USERNS", "1");
            }
        }
        return env;
    }

    /** How long starting or stopping may take: the .desc timeout, scaled. */
    Duration testTimeout() {
        return scale(desc.timeout());
    }

    /**
     * {@code criu dump} (or {@code pre-dump}) of the tree rooted at {@code pid}, into iteration {@code iter};
     * {@code previous} is the iteration of the last pre-dump, whose pages this one builds on.
     */
    List<String> dumpArgv(String action, int iter, String pid, Optional<Integer> previous) {
        List<String> argv = criuBase(action, iter);
        argv.add("--tree");
        argv.add(pid);
        previous.ifPresent(p -> {
            argv.add("--prev-images-dir");
            argv.add("../" + p);
            argv.add("--track-mem");
        });
        argv.addAll(commonOpts());
        argv.addAll(desc.dopts());
        if (flavor.namespaced()) {
            argv.add("--external");
            argv.add("mnt[/dev]:ZDTM_DEV");
        }
        argv.add("--timeout");
        argv.add(Long.toString(scale(CRIU_FREEZE_TIMEOUT).toSeconds()));
        return argv;
    }

    List<String> restoreArgv(int iter) {
        List<String> argv = criuBase("restore", iter);
        argv.addAll(commonOpts());
        argv.addAll(desc.ropts());
        if (flavor.namespaced()) {
            argv.add("--external");
            argv.add("mnt[ZDTM_DEV]:" + layout.dev());
        }
        argv.add("--restore-detached");
        return argv;
    }

    String imagesDir(int iter) {
        return layout.imagesDir(iter);
    }

    static Map<String, String> criuEnv() {
        return Map.of("PATH", CRIU_PATH);
    }

    /** The log CRIU writes for an action, inside the iteration's images directory. */
    String logFile(String action, int iter) {
        return layout.imagesDir(iter) + "/" + action + ".log";
    }

    static List<String> featureCheckArgv(String criu, String feature) {
        return List.of(criu, "check", "--no-default-config", "-v0", "--feature", feature);
    }

    private List<String> criuBase(String action, int iter) {
        List<String> argv = new ArrayList<>();
        argv.add(criu);
        argv.add(action);
        argv.add("--no-default-config");
        argv.add("--log-file");
        argv.add(action + ".log");
        argv.add("--images-dir");
        argv.add(layout.imagesDir(iter));
        argv.add("--verbosity=4");
        return argv;
    }

    private List<String> commonOpts() {
        List<String> opts = new ArrayList<>(guestCriuOpts);
        opts.addAll(desc.opts());
        opts.add("--pidfile");
        opts.add(layout.pidFile());
        if (flavor.namespaced()) {
            opts.add("--root");
            opts.add(layout.root());
        }
        return opts;
    }

    private Duration scale(Duration d) {
        return Duration.ofMillis((long) Math.ceil(d.toMillis() * slowdown));
    }
}
