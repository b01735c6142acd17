package io.zdtmudp.zdtm.upstream;

import io.zdtmudp.zdtm.upstream.CaseResult.Verdict;
import io.zdtmudp.zdtm.upstream.ZdtmGuest.GuestRun;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One upstream zdtm test in one flavor, start to finish, as zdtm.py runs it: start the test and wait until it
 * is ready, then {@code iters} times (pre-dumps, dump, wait for the tree to die, restore), then SIGTERM and
 * read PASS/FAIL from its out file. A {@code crfail} test passes when CRIU refuses it and the test still
 * says PASS. Every wait has a scaled timeout; whatever happens, the test's processes and mounts are gone
 * afterwards and its out file and CRIU logs are attached to the report.
 */
final class UpstreamCase {
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(30);
    /** zdtm.py gives every CRIU call 60 s. */
    private static final Duration CRIU_TIMEOUT = Duration.ofSeconds(60);

    private final ListEntry entry;
    private final ZdtmDesc desc;
    private final Flavor flavor;
    private final RunSettings settings;
    private final ZdtmGuest guest;
    private final GuestTraits traits;
    private final Optional<List<String>> extraArgs;

    private final Map<String, Duration> phases = new LinkedHashMap<>();
    private final List<String> pids = new ArrayList<>();
    private final List<String> logs = new ArrayList<>();

    UpstreamCase(ListEntry entry, ZdtmDesc upstreamDesc, Flavor flavor, RunSettings settings, ZdtmGuest guest,
            GuestTraits traits, Optional<List<String>> extraArgs) {
        this.entry = entry;
        this.desc = entry.effective(upstreamDesc);
        this.flavor = flavor;
        this.settings = settings;
        this.guest = guest;
        this.traits = traits;
        this.extraArgs = extraArgs;
    }

    /** Why this test does not run in this flavor here, as zdtm.py would decide; empty when it runs. */
    Optional<String> skipReason() {
        if (extraArgs.isEmpty()) {
            return Optional.of("the guest image has no " + entry.name() + " (rebuild it: vm-images/build)");
        }
        if (!desc.flavors().contains(flavor)) {
            return Optional.of("its .desc allows flavors " + desc.flavors().stream().map(Flavor::code).sorted()
                    .collect(Collectors.joining(" ")) + " only");
        }
        if (desc.arch().isPresent() && !desc.arch().get().equals(traits.arch())) {
            return Optional.of("arch " + desc.arch().get() + " only, the guest is " + traits.arch());
        }
        if (flavor.namespaced() && !desc.deps().isEmpty()) {
            return Optional.of("needs " + desc.deps() + " in its root; copying deps is not supported");
        }
        if (entry.needs().isPresent() && !traits.hasPath().test(entry.needs().get())) {
            return Optional.of("the guest kernel has no " + entry.needs().get());
        }
        for (String feature : desc.features()) {
            if (!traits.hasFeature().test(feature)) {
                return Optional.of("criu check --feature " + feature + " fails here");
            }
        }
        return Optional.empty();
    }

    CaseResult run() {
        long t0 = System.nanoTime();
        Optional<String> skip = skipReason();
        if (skip.isPresent()) {
            return new CaseResult(Verdict.SKIP, skip.get(), phases, Duration.ofNanos(System.nanoTime() - t0));
        }
        CaseLayout layout = new CaseLayout(guest.workDir(), entry.baseName());
        ZdtmCommands cmds = new ZdtmCommands(entry, desc, flavor, layout, extraArgs.get(), guest.criu(),
                traits.criuOpts(), guest.slowdown());
        Verdict verdict;
        String message;
        try {
            verdict = lifecycle(layout, cmds);
            message = verdict == Verdict.PASS_CRFAIL ? "CRIU refused the C/R, as the test's crfail flag expects" : "";
        } catch (Outcome o) {
            verdict = o.verdict;
            message = o.getMessage();
        } finally {
            attachArtifacts(layout);
            cleanup(layout);
        }
        return new CaseResult(verdict, message, phases, Duration.ofNanos(System.nanoTime() - t0));
    }

    private Verdict lifecycle(CaseLayout layout, ZdtmCommands cmds) {
        GuestRun prep = guest.sh(GuestScripts.prepare(layout, entry.baseName(), flavor), scale(SETUP_TIMEOUT));
        if (!prep.ok()) {
            throw fail("cannot lay out the test in the guest: " + prep.describe());
        }

        GuestRun start = timed("start",
                () -> guest.run(cmds.startArgv(), cmds.startEnv(), layout.testDir(), cmds.testTimeout()));
        if (start.timedOut()) {
            throw fail("the test was not ready within " + cmds.testTimeout().toSeconds() + " s and was killed\n"
                    + outputs(layout));
        }
        if (start.exitCode() != 0) {
            throw fail("the test failed to start: " + start.describe() + "\n" + outputs(layout));
        }
        String pid = readPid(layout);

        int iter = 0;
        for (int i = 1; i <= settings.iters(); i++) {
            Optional<Integer> previous = Optional.empty();
            for (int p = 1; p <= settings.preDumps(); p++) {
                iter++;
                GuestRun pre = criu("pre-dump", iter, cmds.dumpArgv("pre-dump", iter, pid, previous), cmds);
                if (!pre.ok()) {
                    return refused("pre-dump", iter, pre, cmds, layout, pid, true);
                }
                previous = Optional.of(iter);
            }
            iter++;
            GuestRun dump = criu("dump", iter, cmds.dumpArgv("dump", iter, pid, previous), cmds);
            if (!dump.ok()) {
                return refused("dump", iter, dump, cmds, layout, pid, true);
            }
            String dumped = pid;
            GuestRun gone = timed("wait-dead " + iter, () -> guest.sh(GuestScripts.waitGone(dumped,
                    cmds.testTimeout()), cmds.testTimeout().plus(scale(SETUP_TIMEOUT))));
            if (!gone.ok()) {
                throw fail("the dumped tree (pid " + pid + ") did not die after criu dump: " + gone.describe());
            }
            // As zdtm.py's gone(): CRIU's restore writes the pid file afresh and refuses an existing one.
            GuestRun rm = guest.run(List.of("rm", "-f", layout.pidFile()), Map.of(), "/", scale(SETUP_TIMEOUT));
            if (!rm.ok()) {
                throw fail("cannot remove the pid file before restore: " + rm.describe());
            }
            GuestRun restore = criu("restore", iter, cmds.restoreArgv(iter), cmds);
            if (!restore.ok()) {
                return refused("restore", iter, restore, cmds, layout, pid, false);
            }
            pid = readPid(layout);
        }

        stopAndCheck(layout, cmds, pid);
        if (desc.crfail()) {
            throw fail("unexpected success: C/R worked although the test's .desc says crfail");
        }
        return Verdict.PASS;
    }

    /**
     * CRIU said no. For a crfail test that is the expected result (after a refused dump, the test must still
     * PASS); for a list's xfail entry a refused dump is reported as an expected failure; otherwise it fails.
     */
    private Verdict refused(String action, int iter, GuestRun r, ZdtmCommands cmds, CaseLayout layout, String pid,
            boolean testStillRuns) {
        boolean signalled = r.exitCode() >= 128 || r.timedOut();
        String why = "criu " + action + " " + (r.timedOut() ? "timed out" : "exited " + r.exitCode())
                + errorLines(cmds.logFile(action, iter));
        if (desc.crfail() && !signalled) {
            if (testStillRuns) {
                stopAndCheck(layout, cmds, pid);
            }
            return Verdict.PASS_CRFAIL;
        }
        if (entry.xfail().isPresent() && !settings.strictXfail() && testStillRuns && !signalled) {
            stopQuietly(pid, cmds);
            throw new Outcome(Verdict.XFAIL, "expected failure: " + entry.xfail().get() + "\n" + why);
        }
        throw fail(why);
    }

    private GuestRun criu(String action, int iter, List<String> argv, ZdtmCommands cmds) {
        logs.add(cmds.logFile(action, iter));
        return timed(action + " " + iter, () -> {
            GuestRun mk = guest.run(List.of("mkdir", "-p", cmds.imagesDir(iter)), Map.of(), "/",
                    scale(SETUP_TIMEOUT));
            if (!mk.ok()) {
                throw fail("cannot create the images directory: " + mk.describe());
            }
            return guest.run(argv, ZdtmCommands.criuEnv(), cmds.imagesDir(iter), scale(CRIU_TIMEOUT));
        });
    }

    /** SIGTERM, wait for the exit, then the last line of the out file must say PASS (zdtm.py's check). */
    private void stopAndCheck(CaseLayout layout, ZdtmCommands cmds, String pid) {
        GuestRun stop = timed("stop", () -> {
            GuestRun kill = guest.run(List.of("kill", "-TERM", pid), Map.of(), "/", scale(SETUP_TIMEOUT));
            if (!kill.ok()) {
                throw fail("the test (pid " + pid + ") was not there to stop: " + kill.describe() + "\n"
                        + outputs(layout));
            }
            return guest.sh(GuestScripts.waitGone(pid, cmds.testTimeout()),
                    cmds.testTimeout().plus(scale(SETUP_TIMEOUT)));
        });
        if (!stop.ok()) {
            throw fail("the test did not exit within " + cmds.testTimeout().toSeconds() + " s of SIGTERM\n"
                    + outputs(layout));
        }
        Optional<String> out = guest.read(layout.outFile()).map(b -> new String(b, StandardCharsets.UTF_8));
        if (out.isEmpty()) {
            throw fail("the test left no " + entry.baseName() + ".out\n" + outputs(layout));
        }
        if (!saysPass(out.get())) {
            throw fail("the test did not PASS:\n" + out.get().strip());
        }
    }

    /** zdtm.py: the words of the out file's last line include PASS. */
    static boolean saysPass(String out) {
        String[] lines = out.strip().split("\n");
        String last = lines[lines.length - 1];
        for (String w : last.strip().split("\\s+")) {
            if (w.equals("PASS")) {
                return true;
            }
        }
        return false;
    }

    private void stopQuietly(String pid, ZdtmCommands cmds) {
        guest.run(List.of("kill", "-TERM", pid), Map.of(), "/", scale(SETUP_TIMEOUT));
        guest.sh(GuestScripts.waitGone(pid, cmds.testTimeout()), cmds.testTimeout().plus(scale(SETUP_TIMEOUT)));
    }

    private String readPid(CaseLayout layout) {
        String text = guest.read(layout.pidFile()).map(b -> new String(b, StandardCharsets.UTF_8).strip())
                .orElseThrow(() -> fail("no pid file " + layout.pidFile() + "\n" + outputs(layout)));
        if (!text.matches("[0-9]+")) {
            throw fail("the pid file " + layout.pidFile() + " holds '" + text + "', not a pid");
        }
        pids.add(text);
        return text;
    }

    /** CRIU's error and warning lines (zdtm.py's grep_errors), the last few. */
    private String errorLines(String logPath) {
        Optional<byte[]> log = guest.read(logPath);
        if (log.isEmpty()) {
            return " (no log " + logPath + ")";
        }
        List<String> hits = new String(log.get(), StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("Error") || l.contains("Warn")).collect(Collectors.toList());
        List<String> tail = hits.subList(Math.max(0, hits.size() - 15), hits.size());
        return tail.isEmpty() ? " (no error line in " + logPath + ")" : "\n" + String.join("\n", tail);
    }

    /** The test's own output files, for a failure message. */
    private String outputs(CaseLayout layout) {
        StringBuilder sb = new StringBuilder();
        for (String path : List.of(layout.outInProgress(), layout.outFile(), layout.outNs())) {
            guest.read(path).ifPresent(b -> sb.append("--- ").append(path.substring(path.lastIndexOf('/') + 1))
                    .append(" ---\n").append(new String(b, StandardCharsets.UTF_8).strip()).append('\n'));
        }
        return sb.length() == 0 ? "(the test wrote no output file)" : sb.toString().strip();
    }

    private void attachArtifacts(CaseLayout layout) {
        String prefix = flavor.code() + "-" + entry.baseName();
        for (String path : List.of(layout.outInProgress(), layout.outFile(), layout.outNs())) {
            guest.read(path).ifPresent(b -> guest.attach(flavor.code() + "-" + path.substring(path.lastIndexOf('/') + 1), b));
        }
        for (String log : logs) {
            String iterAndName = log.substring(layout.dumpDir().length() + 1).replace('/', '-');
            guest.read(log).ifPresent(b -> guest.attach(prefix + "-criu-" + iterAndName, b));
        }
    }

    private void cleanup(CaseLayout layout) {
        GuestRun r = guest.sh(GuestScripts.cleanup(layout, pids), scale(SETUP_TIMEOUT));
        if (!r.ok()) {
            // The next test gets a fresh work dir; a leftover here must still be visible in the report.
            guest.attach(flavor.code() + "-" + entry.baseName() + "-cleanup.txt",
                    r.describe().getBytes(StandardCharsets.UTF_8));
        }
    }

    private GuestRun timed(String phase, java.util.function.Supplier<GuestRun> step) {
        long t = System.nanoTime();
        try {
            return step.get();
        } finally {
            phases.merge(phase, Duration.ofNanos(System.nanoTime() - t), Duration::plus);
        }
    }

    private Duration scale(Duration d) {
        return Duration.ofMillis((long) Math.ceil(d.toMillis() * guest.slowdown()));
    }

    private static Outcome fail(String message) {
        return new Outcome(Verdict.FAIL, message);
    }

    /** Ends the lifecycle early with a verdict. */
    private static final class Outcome extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Verdict verdict;

        Outcome(Verdict verdict, String message) {
            super(message, null, false, false);
            this.verdict = verdict;
        }
    }
}
