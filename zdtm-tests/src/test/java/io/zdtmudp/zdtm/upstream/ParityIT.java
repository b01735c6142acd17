package io.zdtmudp.zdtm.upstream;

import io.zdtmudp.harness.criu.CriuBinary;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.vm.Vm;
import io.zdtmudp.zdtm.upstream.UpstreamCases.UpstreamCaseSpec;
import io.zdtmudp.zdtm.upstream.ZdtmGuest.GuestRun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Parity with zdtm.py (-Pzdtm-parity): in the parity guest, every test of the list runs in each flavor first
 * under CRIU's own zdtm.py, then under our runner; both verdicts and wall times go into one table printed at
 * the end (and kept in target/zdtm-upstream/). An invocation fails only when zdtm.py gives no verdict at all.
 */
@ZdtmVm
@EnabledIfSystemProperty(named = "zdtm.parity", matches = "true", disabledReason = "parity runs with -Pzdtm-parity")
@Execution(ExecutionMode.SAME_THREAD) // and one at a time among themselves
@Isolated("compares wall times with zdtm.py, and flavor h uses the guest's own namespaces")
class ParityIT {
    private static final ParityTable TABLE = new ParityTable();
    private static final Map<Vm, GuestFacts> FACTS = new WeakHashMap<>();

    @TestTemplate
    @ExtendWith(UpstreamCases.class)
    void parity(UpstreamCaseSpec spec, Guest guest) {
        CriuBinary criu = CriuBinary.parse(System.getProperty(CriuBinary.PROPERTY));
        ZdtmGuest zg = new HarnessGuest(guest, criu);
        GuestFacts facts;
        synchronized (FACTS) {
            facts = FACTS.computeIfAbsent(guest.vm(), vm -> GuestFacts.load(zg));
        }
        ZdtmGuest flavored = facts.guestFor(spec.flavor(), zg);
        // zdtm.py runs CRIU with --no-default-config; CRIU still reads CRIU_CONFIG_FILE, which is how the
        // options this guest needs (the runner's GuestTraits) reach zdtm.py's CRIU as well.
        guest.writeFile(ZdtmPy.CRIU_CONFIG, ZdtmPy.criuConfig(facts.traits(zg).criuOpts()));

        GuestRun py = flavored.run(ZdtmPy.argv(spec.entry(), spec.flavor(), spec.settings(), criu.path()),
                ZdtmPy.env(),
                ZdtmPy.TEST_DIR, ZdtmPy.timeout(zg.slowdown()));
        String output = py.stdout() + "\n" + py.stderr();
        guest.attach(spec.flavor().code() + "-" + spec.entry().baseName() + "-zdtm.py.txt", output);
        Optional<CaseResult.Verdict> pyVerdict = ZdtmPy.verdict(output, spec.entry());

        CaseResult ours = new UpstreamCase(spec.entry(), facts.desc(zg, spec.entry()), spec.flavor(), spec.settings(),
                flavored, facts.traits(zg),
                facts.manifest().extraArgs(spec.entry().name())).run();

        String pyWord = pyVerdict.map(Enum::name).orElse(py.timedOut() ? "TIMEOUT" : "BROKEN");
        String note = ZdtmPy.reason(output, spec.entry());
        if (!ours.passed() && !ours.message().isEmpty()) {
            String first = ours.message().lines().findFirst().orElse("");
            note = (note.isEmpty() ? "" : "zdtm.py: " + note + "; ") + "ours: " + first;
        }
        TABLE.add(new ParityTable.Row(spec.entry().zdtmName(), spec.flavor(), pyWord, py.duration(), ours.zdtmWord(),
                ours.total(), note));
        if (pyVerdict.isEmpty()) {
            Assertions.fail("zdtm.py gave no verdict for " + spec.displayName() + ": " + py.describe());
        }
    }

    @AfterAll
    static void printTable() throws IOException {
        if (TABLE.isEmpty()) {
            return;
        }
        RunSettings s = RunSettings.fromSystem();
        String title = "zdtm.py vs the Java runner: list " + s.list() + ", criu "
                + CriuBinary.parse(System.getProperty(CriuBinary.PROPERTY)).path();
        System.out.println();
        System.out.println(TABLE.render(title));
        Path dir = Path.of("target", "zdtm-upstream");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(s.list() + "-parity.tsv"), TABLE.tsv(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(s.list() + "-parity.txt"), TABLE.render(title), StandardCharsets.UTF_8);
    }
}
