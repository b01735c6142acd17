package io.zdtmudp.zdtm.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.zdtm.upstream.CaseResult.Verdict;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The zdtm lifecycle against a fake guest that plays a well-behaved zdtm test and a configurable CRIU. */
class UpstreamCaseTest {

    /** A guest where the test starts, CRIU does what it is told, and SIGTERM makes the test write its verdict. */
    static final class FakeGuest implements ZdtmGuest {
        final Map<String, byte[]> files = new HashMap<>();
        final List<List<String>> commands = new ArrayList<>();
        final Map<String, byte[]> attached = new LinkedHashMap<>();
        int dumpExit = 0;
        int restoreExit = 0;
        boolean startHangs = false;
        String verdict = "PASS";
        int nextPid = 100;
        String pidFile;
        String outFile;
        String lastDumpDir;

        @Override
        public GuestRun run(List<String> argv, Map<String, String> env, String cwd, Duration timeout) {
            commands.add(argv);
            String a0 = argv.get(0);
            if (a0.startsWith("./")) {
                String base = a0.substring(2);
                pidFile = cwd + "/" + base + ".pid";
                outFile = cwd + "/" + base + ".out";
                if (startHangs) {
                    return res(argv, 137, true);
                }
                files.put(pidFile, Integer.toString(nextPid++).getBytes(StandardCharsets.UTF_8));
                files.put(outFile + ".inprogress", "started\n".getBytes(StandardCharsets.UTF_8));
                return res(argv, 0, false);
            }
            if (a0.equals("/usr/sbin/criu")) {
                String action = argv.get(1);
                String dir = argv.get(argv.indexOf("--images-dir") + 1);
                files.put(dir + "/" + action + ".log",
                        ("(00.1) " + action + " log\n" + (action.equals("dump") && dumpExit != 0
                                ? "(00.2) Error (criu/sk-inet.c:1): Can't dump a corked socket\n" : ""))
                                .getBytes(StandardCharsets.UTF_8));
                if (action.equals("restore")) {
                    if (files.containsKey(pidFile)) {
                        return res(argv, 1, false); // CRIU refuses an existing pid file
                    }
                    if (restoreExit == 0) {
                        files.put(pidFile, Integer.toString(nextPid++).getBytes(StandardCharsets.UTF_8));
                    }
                    return res(argv, restoreExit, false);
                }
                return res(argv, action.equals("dump") ? dumpExit : 0, false);
            }
            if (a0.equals("kill") && argv.get(1).equals("-TERM")) {
                files.remove(outFile + ".inprogress");
                files.put(outFile, ("test output\n" + verdict + "\n").getBytes(StandardCharsets.UTF_8));
                return res(argv, 0, false);
            }
            if (a0.equals("rm")) {
                files.remove(argv.get(2));
                return res(argv, 0, false);
            }
            return res(argv, 0, false); // sh scripts, mkdir, uname
        }

        private static GuestRun res(List<String> argv, int exit, boolean timedOut) {
            return new GuestRun(argv, exit, "", "", timedOut, Duration.ofMillis(1));
        }

        @Override
        public Optional<byte[]> read(String path) {
            return Optional.ofNullable(files.get(path));
        }

        @Override
        public void attach(String name, byte[] content) {
            attached.put(name, content);
        }

        @Override
        public String workDir() {
            return "/tmp/zdtm/1";
        }

        @Override
        public double slowdown() {
            return 1;
        }

        @Override
        public String criu() {
            return "/usr/sbin/criu";
        }

        @Override
        public int spawnDaemon(List<String> argv) {
            commands.add(argv);
            return 4242;
        }

        long count(String action) {
            return commands.stream().filter(c -> c.size() > 1 && c.get(0).equals("/usr/sbin/criu")
                    && c.get(1).equals(action)).count();
        }
    }

    private static RunSettings settings(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return RunSettings.from(p);
    }

    private static CaseResult run(FakeGuest g, ListEntry e, String desc, Flavor f, RunSettings s) {
        return new UpstreamCase(e, ZdtmDesc.parse(desc, "t.desc"), f, s, g,
                new GuestTraits(feature -> !feature.equals("missing"), "x86_64", List.of()), Optional.of(List.of())).run();
    }

    private static ListEntry entry(String name) {
        return new ListEntry(name, Set.of(), Optional.empty());
    }

    @Test
    void passesAfterDumpRestoreAndAPassingOutFile() {
        FakeGuest g = new FakeGuest();
        CaseResult r = run(g, entry("static/socket_udp"), "", Flavor.H, settings());
        assertThat(r.verdict()).as(r.message()).isEqualTo(Verdict.PASS);
        assertThat(g.count("dump")).isEqualTo(1);
        assertThat(g.count("restore")).isEqualTo(1);
        assertThat(r.phases()).containsKeys("start", "dump 1", "restore 1", "stop");
        // The restored pid (101), not the original one, is the one stopped.
        assertThat(g.commands).contains(List.of("kill", "-TERM", "101"));
        assertThat(g.attached).containsKeys("h-socket_udp.out", "h-socket_udp-criu-1-dump.log",
                "h-socket_udp-criu-1-restore.log");
    }

    @Test
    void iterationsAndPreDumpsRepeatTheCycle() {
        FakeGuest g = new FakeGuest();
        CaseResult r = run(g, entry("static/socket_udp"), "", Flavor.NS, settings("zdtm.iters", "3", "zdtm.pre", "2"));
        assertThat(r.verdict()).as(r.message()).isEqualTo(Verdict.PASS);
        assertThat(g.count("pre-dump")).isEqualTo(6);
        assertThat(g.count("dump")).isEqualTo(3);
        assertThat(g.count("restore")).isEqualTo(3);
        // The second dump builds on the pre-dump right before it (iterations 4, 5 then dump 6).
        List<String> secondDump = g.commands.stream().filter(c -> c.size() > 1 && c.get(1).equals("dump")).toList()
                .get(1);
        assertThat(secondDump).containsSubsequence("--images-dir", "/tmp/zdtm/1/dump/6", "--prev-images-dir", "../5");
    }

    @Test
    void aFailingOutFileFails() {
        FakeGuest g = new FakeGuest();
        g.verdict = "FAIL: queue lost";
        CaseResult r = run(g, entry("static/socket_udp"), "", Flavor.H, settings());
        assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(r.message()).contains("did not PASS").contains("queue lost");
    }

    @Test
    void aRefusedDumpFailsWithCriusErrorLines() {
        FakeGuest g = new FakeGuest();
        g.dumpExit = 1;
        CaseResult r = run(g, entry("static/socket_udp"), "", Flavor.H, settings());
        assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(r.message()).contains("criu dump exited 1").contains("Can't dump a corked socket");
        assertThat(g.count("restore")).isZero();
    }

    @Test
    void crfailPassesWhenCriuRefusesAndTheTestStillPasses() {
        FakeGuest g = new FakeGuest();
        g.dumpExit = 1;
        CaseResult r = run(g, entry("static/socket_udp-corked"), "{'flags': 'crfail'}", Flavor.H, settings());
        assertThat(r.verdict()).as(r.message()).isEqualTo(Verdict.PASS_CRFAIL);
        assertThat(g.commands).contains(List.of("kill", "-TERM", "100"));
    }

    @Test
    void crfailFailsOnUnexpectedSuccess() {
        FakeGuest g = new FakeGuest();
        CaseResult r = run(g, entry("static/socket_udp-corked"), "{'flags': 'crfail'}", Flavor.H, settings());
        assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(r.message()).contains("unexpected success");
    }

    @Test
    void crfailDoesNotCoverACriuKilledBySignal() {
        FakeGuest g = new FakeGuest();
        g.dumpExit = 139;
        CaseResult r = run(g, entry("static/socket_udp-corked"), "{'flags': 'crfail'}", Flavor.H, settings());
        assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    }

    @Test
    void xfailEntryTurnsARefusedDumpIntoAnExpectedFailureUnlessStrict() {
        ListEntry corked = new ListEntry("static/socket_udp-corked", Set.of("crfail"), Optional.of("no cork yet"));
        FakeGuest g = new FakeGuest();
        g.dumpExit = 1;
        CaseResult r = run(g, corked, "{'flags': 'crfail'}", Flavor.H, settings());
        assertThat(r.verdict()).isEqualTo(Verdict.XFAIL);
        assertThat(r.message()).contains("no cork yet").contains("Can't dump a corked socket");
        assertThat(g.commands).as("the still running test is stopped").contains(List.of("kill", "-TERM", "100"));

        FakeGuest strict = new FakeGuest();
        strict.dumpExit = 1;
        assertThat(run(strict, corked, "{'flags': 'crfail'}", Flavor.H, settings("zdtm.xfail", "strict")).verdict())
                .isEqualTo(Verdict.FAIL);
    }

    @Test
    void xfailEntryMustPassOnceCriuCanDumpIt() {
        ListEntry corked = new ListEntry("static/socket_udp-corked", Set.of("crfail"), Optional.of("no cork yet"));
        FakeGuest ok = new FakeGuest();
        assertThat(run(ok, corked, "{'flags': 'crfail'}", Flavor.H, settings()).verdict()).isEqualTo(Verdict.PASS);

        FakeGuest broken = new FakeGuest();
        broken.restoreExit = 1;
        assertThat(run(broken, corked, "{'flags': 'crfail'}", Flavor.H, settings()).verdict())
                .as("a failed restore is no expected failure").isEqualTo(Verdict.FAIL);
    }

    @Test
    void aTestThatNeverBecomesReadyFailsAtItsTimeout() {
        FakeGuest g = new FakeGuest();
        g.startHangs = true;
        CaseResult r = run(g, entry("static/socket_udp"), "", Flavor.H, settings());
        assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
        assertThat(r.message()).contains("not ready within 30 s");
        assertThat(g.count("dump")).isZero();
        assertThat(g.commands.get(g.commands.size() - 1).get(2)).as("cleanup still runs").contains("umount");
    }

    @Test
    void skipsAsZdtmDoes() {
        FakeGuest g = new FakeGuest();
        assertThat(run(g, entry("static/a"), "{'flavor': 'ns uns'}", Flavor.H, settings()).message())
                .contains("allows flavors ns uns only");
        assertThat(run(g, entry("static/a"), "{'arch': 'aarch64'}", Flavor.H, settings()).message())
                .contains("arch aarch64 only");
        assertThat(run(g, entry("static/a"), "{'feature': 'missing'}", Flavor.H, settings()).message())
                .contains("--feature missing");
        assertThat(run(g, entry("static/a"), "{'feature': 'present'}", Flavor.H, settings()).verdict())
                .isEqualTo(Verdict.PASS);
        ListEntry lite = new ListEntry("static/a", Set.of(), Optional.empty(), Optional.of("/proc/net/udplite"));
        CaseResult noLite = new UpstreamCase(lite, ZdtmDesc.DEFAULT, Flavor.H, settings(), g,
                new GuestTraits(f -> true, p -> !p.equals("/proc/net/udplite"), "x86_64", List.of()),
                Optional.of(List.of())).run();
        assertThat(noLite.verdict()).isEqualTo(Verdict.SKIP);
        assertThat(noLite.message()).isEqualTo("the guest kernel has no /proc/net/udplite");
        assertThat(new UpstreamCase(lite, ZdtmDesc.DEFAULT, Flavor.H, settings(), g,
                new GuestTraits(f -> true, p -> true, "x86_64", List.of()), Optional.of(List.of())).run().verdict())
                .isEqualTo(Verdict.PASS);
        CaseResult notBuilt = new UpstreamCase(entry("static/a"), ZdtmDesc.DEFAULT, Flavor.H, settings(), g,
                new GuestTraits(f -> true, "x86_64", List.of()), Optional.empty()).run();
        assertThat(notBuilt.verdict()).isEqualTo(Verdict.SKIP);
        assertThat(notBuilt.message()).contains("guest image has no static/a");
    }

    @Test
    void outFileVerdictIsTheLastLinesPassWord() {
        assertThat(UpstreamCase.saysPass("x\ny\nPASS\n")).isTrue();
        assertThat(UpstreamCase.saysPass("PASS\nFAIL: x\n")).isFalse();
        assertThat(UpstreamCase.saysPass("PASSED\n")).isFalse();
    }

    @Test
    void resultTableShowsVerdictsTimesAndWallTimePerFlavor() {
        ResultTable t = new ResultTable();
        t.add("zdtm/static/socket_udp", Flavor.H, new CaseResult(Verdict.PASS, "",
                Map.of("dump 1", Duration.ofMillis(300)), Duration.ofMillis(1500)));
        t.add("zdtm/static/socket_udp", Flavor.NS, new CaseResult(Verdict.FAIL, "x", Map.of(), Duration.ofMillis(2500)));
        t.add("zdtm/static/socket_udp-corked", Flavor.H, new CaseResult(Verdict.XFAIL, "x", Map.of(),
                Duration.ofMillis(500)));
        String s = t.render("title");
        assertThat(s).contains("title").contains("zdtm/static/socket_udp ").contains("PASS 1.5s")
                .contains("FAIL 2.5s").contains("XFAIL 0.5s");
        assertThat(s.lines().filter(l -> l.startsWith("wall time")).findFirst().orElseThrow()).contains("2.0s")
                .contains("2.5s");
        assertThat(s.lines().filter(l -> l.startsWith("passed/run")).findFirst().orElseThrow()).contains("1/2")
                .contains("0/1");
        assertThat(t.tsv()).contains("zdtm/static/socket_udp\th\tPASS\t1500\tdump-1=300");
    }
}
