package io.zdtmudp.zdtm.upstream;

import io.zdtmudp.harness.criu.CriuBinary;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.vm.Vm;
import io.zdtmudp.zdtm.upstream.UpstreamCases.UpstreamCaseSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.WeakHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * CRIU's own zdtm tests (test/zdtm/static of the CRIU tarball the engine is built from), run in the guest
 * the way zdtm.py runs them. The list is {@code -Dzdtm.list} (udp by default, wide with -Pzdtm-wide); see
 * {@link RunSettings} for flavors, iterations and pre-dumps. At the end the build prints each test's
 * verdict and time per flavor, and keeps the phase times in target/zdtm-upstream/.
 */
@ZdtmVm
@Execution(ExecutionMode.SAME_THREAD) // and one at a time among themselves
@Isolated("flavor h runs CRIU's zdtm tests in the guest's own namespaces, shared by every test")
class UpstreamZdtmIT {
    private static final ResultTable RESULTS = new ResultTable();
    private static final Map<Vm, GuestFacts> FACTS = new WeakHashMap<>();

    @TestTemplate
    @ExtendWith(UpstreamCases.class)
    void zdtm(UpstreamCaseSpec spec, Guest guest) {
        ZdtmGuest zg = new HarnessGuest(guest, CriuBinary.parse(System.getProperty(CriuBinary.PROPERTY)));
        GuestFacts facts;
        synchronized (FACTS) {
            facts = FACTS.computeIfAbsent(guest.vm(), vm -> GuestFacts.load(zg));
        }
        UpstreamCase c = new UpstreamCase(spec.entry(), facts.desc(zg, spec.entry()), spec.flavor(), spec.settings(),
                facts.guestFor(spec.flavor(), zg), facts.traits(zg), facts.manifest().extraArgs(spec.entry().name()));
        CaseResult r = c.run();
        RESULTS.add(spec.entry().zdtmName(), spec.flavor(), r);
        switch (r.verdict()) {
            case PASS, PASS_CRFAIL -> {
            }
            case SKIP -> Assumptions.abort("skipped: " + r.message());
            case XFAIL -> Assumptions.abort(r.message());
            case FAIL -> Assertions.fail(spec.displayName() + " FAIL: " + r.message());
        }
    }

    @AfterAll
    static void printResults() throws IOException {
        if (RESULTS.isEmpty()) {
            return;
        }
        RunSettings s = RunSettings.fromSystem();
        String title = "zdtm upstream: list " + s.list() + ", criu "
                + CriuBinary.parse(System.getProperty(CriuBinary.PROPERTY)).path() + ", iters " + s.iters() + ", pre "
                + s.preDumps();
        System.out.println();
        System.out.println(RESULTS.render(title));
        Path dir = Path.of("target", "zdtm-upstream");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(s.list() + "-times.tsv"), RESULTS.tsv());
        Files.writeString(dir.resolve(s.list() + "-table.txt"), RESULTS.render(title));
    }
}
