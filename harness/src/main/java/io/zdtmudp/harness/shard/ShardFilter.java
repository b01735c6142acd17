package io.zdtmudp.harness.shard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.PostDiscoveryFilter;

/**
 * {@code -Dzdtm.shard=k/n}: keeps the tests of the classes {@link ShardPlan} gives shard k, in every Surefire and
 * Failsafe run (registered through META-INF/services, so a user's own test module is sharded too). The plan is
 * made once per engine from the whole discovered tree, before this filter removes anything, so the n runs of one
 * command agree on it. {@code zdtm.shard.timings} names the timing file; without one every class weighs the same.
 */
public final class ShardFilter implements PostDiscoveryFilter {
    public static final String TIMINGS_PROPERTY = "zdtm.shard.timings";

    private final Shard shard;
    private final ShardTimings timings;
    private final Map<UniqueId, ShardPlan> plans = new ConcurrentHashMap<>();

    /** What the launcher loads: the shard and the timings from system properties (none set: keeps everything). */
    public ShardFilter() {
        this(Optional.ofNullable(System.getProperty(Shard.PROPERTY)).filter(s -> !s.isBlank()).map(Shard::parse).orElse(null),
                timingsFrom(System.getProperty(TIMINGS_PROPERTY)));
    }

    public ShardFilter(Shard shard, ShardTimings timings) {
        this.shard = shard;
        this.timings = timings;
    }

    private static ShardTimings timingsFrom(String file) {
        if (file == null || file.isBlank()) {
            return ShardTimings.none();
        }
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            // Shards would still agree, only less evenly; say so rather than fail a run over a missing hint.
            System.err.println("zdtm: " + TIMINGS_PROPERTY + "=" + file + " is not a file; every test class weighs the same");
            return ShardTimings.none();
        }
        try {
            return ShardTimings.read(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        if (shard == null) {
            return FilterResult.included("no " + Shard.PROPERTY);
        }
        if (!descriptor.getChildren().isEmpty()) {
            return FilterResult.included("a container: its tests decide");
        }
        Optional<String> unit = testClassOf(descriptor);
        if (unit.isEmpty()) {
            return FilterResult.included("in no test class");
        }
        TestDescriptor root = rootOf(descriptor);
        ShardPlan plan = plans.computeIfAbsent(root.getUniqueId(), id -> plan(root));
        int s = plan.shardOf(unit.get());
        return s == shard.index()
                ? FilterResult.included("in shard " + shard)
                : FilterResult.excluded("in shard " + s + "/" + shard.count());
    }

    private ShardPlan plan(TestDescriptor root) {
        Set<String> classes = new TreeSet<>();
        collect(root, classes);
        ShardPlan plan = ShardPlan.of(classes, timings, shard.count());
        long unknown = classes.stream().filter(c -> !timings.knows(c)).count();
        System.out.printf(Locale.ROOT, "zdtm: shard %s of %s: %d of %d test classes, %.0f s of %.0f s recorded%s%n", shard,
                root.getDisplayName(), plan.testClasses(shard.index()).size(), plan.size(), plan.seconds(shard.index()),
                plan.totalSeconds(), unknown == 0 ? "" : " (" + unknown + " classes without a recorded time)");
        return plan;
    }

    private static void collect(TestDescriptor d, Set<String> classes) {
        if (d.getChildren().isEmpty()) {
            testClassOf(d).ifPresent(classes::add);
            return;
        }
        d.getChildren().forEach(c -> collect(c, classes));
    }

    /** The class a test is declared in: a nested class is a unit of its own, like any other class. */
    static Optional<String> testClassOf(TestDescriptor d) {
        for (Optional<TestDescriptor> at = Optional.of(d); at.isPresent(); at = at.get().getParent()) {
            Optional<TestSource> source = at.get().getSource();
            if (source.isPresent() && source.get() instanceof MethodSource m) {
                return Optional.of(m.getClassName());
            }
            if (source.isPresent() && source.get() instanceof ClassSource c) {
                return Optional.of(c.getClassName());
            }
        }
        return Optional.empty();
    }

    private static TestDescriptor rootOf(TestDescriptor d) {
        TestDescriptor at = d;
        while (at.getParent().isPresent()) {
            at = at.getParent().get();
        }
        return at;
    }
}
