package io.zdtmudp.harness.junit;

import io.zdtmudp.harness.agent.CallLedger;
import io.zdtmudp.harness.backend.VmBackend;
import io.zdtmudp.harness.criu.CriuBinary;
import io.zdtmudp.harness.guest.ArtifactPaths;
import io.zdtmudp.harness.guest.FailureArtifacts;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.guest.SharedVm;
import io.zdtmudp.harness.guest.VmPool;
import io.zdtmudp.harness.vm.Vm;
import io.zdtmudp.harness.vm.VmFactory;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.MediaType;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Lifecycle of {@link ZdtmVm} tests: a VM per run (root store) or per class, a {@link Guest} per test,
 * the kernel health check after each test, and for a failed test the artifacts {@link FailureArtifacts#collect}
 * writes under target/zdtm-artifacts/, each published as a report file. Package-private: tests get it through
 * {@code @ZdtmVm}, and nothing else is meant to drive it.
 */
class ZdtmExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    /** The report entry that names the guest kernel (uname -r) a test ran on; the HTML report shows it. */
    static final String KERNEL_REPORT_KEY = "zdtm.kernel";

    /** The report entries that split a test's time (milliseconds); RunRecord reads them. */
    static final String TIME_VM_KEY = "zdtm.time.vm-wait.ms";
    static final String TIME_CRIU_KEY = "zdtm.time.criu.ms";
    static final String TIME_GUEST_KEY = "zdtm.time.guest.ms";
    static final String TIME_SETUP_KEY = "zdtm.time.setup.ms";

    private static final Namespace NS = Namespace.create(ZdtmExtension.class);
    // Distinct keys: store lookups fall back to parent stores, so a class must not see the run's VM as its own.
    private static final String RUN_VM_KEY = "vm.run";
    private static final String CLASS_VM_KEY = "vm.class";
    private static final String GUEST_KEY = "guest";
    private static final String VM_WAIT_KEY = "time.vm-wait";
    private static final String LEDGER_KEY = "time.ledger";
    /** Longer than any one test: a test waits at most this for a guest to itself (or for one to join). */
    private static final Duration LEASE_PATIENCE = Duration.ofMinutes(30);

    /**
     * Not AutoCloseable on purpose: the extension closes the guest itself, after collecting artifacts,
     * and only then gives the VM back to the pool.
     */
    private record GuestSlot(Guest guest, RuntimeException setupFailure, Vm vm, VmPool.Lease lease) {}

    @Override
    public void beforeAll(ExtensionContext context) {
        if (scope(context) == VmScope.PER_CLASS) {
            context.getStore(NS).computeIfAbsent(CLASS_VM_KEY, k -> newPool(context, 1), VmPool.class);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        VmPool pool = pool(context);
        VmPool.Lease lease = null;
        long t0 = System.nanoTime();
        try {
            lease = pool.lease(aloneInGuest(context), LEASE_PATIENCE);
            context.getStore(NS).put(VM_WAIT_KEY, Duration.ofNanos(System.nanoTime() - t0));
            context.getStore(NS).put(LEDGER_KEY, CallLedger.open());
            VmPool.Lease leased = lease;
            CallLedger.asHarness(() -> {
                Guest guest = Guest.open(leased.vm(), SharedVm.nextTestId(), criuBinary(context));
                context.getStore(NS).put(GUEST_KEY, new GuestSlot(guest, null, leased.vm(), leased));
                // The report names the guest kernel each test ran on (the matrix runs one suite on several).
                context.publishReportEntry(KERNEL_REPORT_KEY, KernelFeatures.of(guest).release());
            });
        } catch (RuntimeException e) {
            // Remember the VM (if any) so afterEach can still attach its console log.
            context.getStore(NS).put(GUEST_KEY, new GuestSlot(null, e, lease == null ? null : lease.vm(), lease));
            throw e;
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        GuestSlot slot = context.getStore(NS).get(GUEST_KEY, GuestSlot.class);
        try {
            CallLedger.asHarness(() -> checkAndClose(context, slot));
        } finally {
            if (slot != null && slot.lease() != null) {
                slot.lease().close();
            }
            publishTimes(context);
        }
    }

    /**
     * Where the test's time went, for the report's harness-overhead column: waiting for a VM, for CRIU, for
     * the guest's other commands; the report takes the rest as the harness's own.
     */
    private static void publishTimes(ExtensionContext context) {
        Duration vmWait = context.getStore(NS).get(VM_WAIT_KEY, Duration.class);
        CallLedger ledger = context.getStore(NS).get(LEDGER_KEY, CallLedger.class);
        if (vmWait == null || ledger == null) {
            return;
        }
        CallLedger.close(ledger);
        context.publishReportEntry(Map.of(TIME_VM_KEY, Long.toString(vmWait.toMillis()),
                TIME_CRIU_KEY, Long.toString(ledger.criu().toMillis()),
                TIME_GUEST_KEY, Long.toString(ledger.guest().toMillis()),
                TIME_SETUP_KEY, Long.toString(ledger.harness().toMillis())));
    }

    private void checkAndClose(ExtensionContext context, GuestSlot slot) {
        Guest guest = slot == null ? null : slot.guest();
        List<String> problems = new ArrayList<>();
        String healthError = null;
        if (guest != null && guest.vm().isAlive()) {
            try {
                problems.addAll(guest.kernelProblems());
            } catch (RuntimeException e) {
                healthError = "kernel health check failed: " + e;
            }
        }
        // A test that skipped itself (an assumption: a kernel without our series, say) has nothing to explain.
        Optional<Throwable> failure = context.getExecutionException()
                .filter(t -> !(t instanceof org.opentest4j.TestAbortedException));
        if (failure.isPresent() || !problems.isEmpty() || slot != null && slot.setupFailure() != null) {
            writeArtifacts(context, slot, failure.orElse(slot == null ? null : slot.setupFailure()), problems, healthError);
        }
        if (guest != null) {
            try {
                guest.close();
            } catch (RuntimeException e) {
                if (failure.isEmpty() && problems.isEmpty()) {
                    throw e;
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("the guest kernel reported problems during this test:\n" + String.join("\n", problems));
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return (type == Guest.class || type == Vm.class) && context.getTestMethod().isPresent();
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        GuestSlot slot = context.getStore(NS).get(GUEST_KEY, GuestSlot.class);
        if (slot == null || slot.guest() == null) {
            throw new ParameterResolutionException("no guest for this test (did the VM start?)");
        }
        return parameter.getParameter().getType() == Vm.class ? slot.guest().vm() : slot.guest();
    }

    private static VmScope scope(ExtensionContext context) {
        VmScope declared = context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, ZdtmVm.class, context.getEnclosingTestClasses()))
                .map(ZdtmVm::scope)
                .orElse(VmScope.DEFAULT);
        if (declared != VmScope.DEFAULT) {
            return declared;
        }
        return VmScope.parse(context.getConfigurationParameter(VmScope.PROPERTY).orElse(null));
    }

    private static boolean aloneInGuest(ExtensionContext context) {
        return AnnotationSupport.isAnnotated(context.getTestMethod(), AloneInGuest.class)
                || context.getTestClass().map(c -> AnnotationSupport.findAnnotation(c, AloneInGuest.class,
                        context.getEnclosingTestClasses()).isPresent()).orElse(false);
    }

    private static VmPool pool(ExtensionContext context) {
        VmPool perClass = context.getStore(NS).get(CLASS_VM_KEY, VmPool.class);
        if (perClass != null && scope(context) == VmScope.PER_CLASS) {
            return perClass;
        }
        return context.getRoot().getStore(NS).computeIfAbsent(RUN_VM_KEY,
                k -> newPool(context, VmPool.count(context::getConfigurationParameter, Runtime.getRuntime().availableProcessors())),
                VmPool.class);
    }

    private static VmPool newPool(ExtensionContext context, int count) {
        return new VmPool(vmFactory(context), context::getConfigurationParameter, count);
    }

    private static VmFactory vmFactory(ExtensionContext context) {
        Optional<String> name = context.getConfigurationParameter(VmFactory.PROPERTY);
        if (name.isEmpty()) {
            return VmBackend.parse(context.getConfigurationParameter(VmBackend.PROPERTY).orElse(null)).factory();
        }
        try {
            Class<?> c = Class.forName(name.get(), true, Thread.currentThread().getContextClassLoader());
            return (VmFactory) c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new ExtensionConfigurationException(VmFactory.PROPERTY + "=" + name.get()
                    + " is not a VmFactory with a public no-argument constructor", e instanceof InvocationTargetException ite ? ite.getCause() : e);
        }
    }

    private static CriuBinary criuBinary(ExtensionContext context) {
        return CriuBinary.parse(context.getConfigurationParameter(CriuBinary.PROPERTY).orElse(null));
    }

    private static String testName(ExtensionContext context) {
        String method = context.getRequiredTestMethod().getName();
        String display = context.getDisplayName();
        return display.startsWith(method + "(") ? method : method + "-" + display;
    }

    /**
     * Containers between the class and the test that have names of their own, e.g. "restore through RAW"
     * of a parameterized class: without them two invocations of one method would share (and, run
     * concurrently, mix) one artifacts dir.
     */
    private static List<String> containerNames(ExtensionContext context) {
        List<String> names = new ArrayList<>();
        for (Optional<ExtensionContext> c = context.getParent(); c.isPresent() && c.get() != context.getRoot();
                c = c.get().getParent()) {
            ExtensionContext x = c.get();
            // A class node's own name is already in the path; a container below it of the same class is an invocation.
            if (x.getTestMethod().isEmpty() && x.getTestClass().isPresent()
                    && x.getParent().flatMap(ExtensionContext::getTestClass).equals(x.getTestClass())) {
                names.add(0, x.getDisplayName());
            }
        }
        return names;
    }

    private void writeArtifacts(ExtensionContext context, GuestSlot slot, Throwable failure, List<String> problems,
            String healthError) {
        Path dir = ArtifactPaths.forTest(ArtifactPaths.root(context::getConfigurationParameter),
                context.getRequiredTestClass().getName(), containerNames(context), testName(context));
        Guest guest = slot == null ? null : slot.guest();
        Vm vm = guest != null ? guest.vm() : slot == null ? null : slot.vm();
        FailureArtifacts a = FailureArtifacts.collect(dir, vm, guest, failure, problems, healthError,
                () -> KernelFeatures.of(guest).release());
        for (Path p : a.written()) {
            publish(context, p);
        }
        context.publishReportEntry("zdtm.artifacts", dir.toString());
    }

    private static void publish(ExtensionContext context, Path file) {
        String name = file.getFileName().toString();
        MediaType type = name.endsWith(".json") ? MediaType.APPLICATION_JSON
                : name.endsWith(".txt") || name.endsWith(".log") ? MediaType.TEXT_PLAIN_UTF_8
                : MediaType.APPLICATION_OCTET_STREAM;
        try {
            context.publishFile(name, type, target -> Files.copy(file, target));
        } catch (RuntimeException e) {
            // Publishing needs an output directory provider; the file is in the artifacts dir anyway.
            System.err.println("zdtm: could not publish " + file + ": " + e.getMessage());
        }
    }
}
