package io.zdtmudp.harness.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** The filter in the real JUnit launcher: the shards of one discovery partition its tests. */
class ShardFilterTest {
    private static final List<Class<?>> SUITE = List.of(Alpha.class, Beta.class, Gamma.class, Delta.class, Outer.class);
    private static final ShardTimings TIMINGS = ShardTimings.of(Map.of(
            Alpha.class.getName(), 50.0, Beta.class.getName(), 30.0, Gamma.class.getName(), 20.0,
            Delta.class.getName(), 10.0, Outer.class.getName(), 5.0, Outer.Inner.class.getName(), 25.0));

    private static List<String> testsOf(ShardFilter filter) {
        LauncherDiscoveryRequestBuilder b = LauncherDiscoveryRequestBuilder.request()
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false");
        SUITE.forEach(c -> b.selectors(selectClass(c)));
        if (filter != null) {
            b.filters(filter);
        }
        LauncherDiscoveryRequest request = b.build();
        // Only the filter under test: the one META-INF/services registers would shard this test's own run again.
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder().enablePostDiscoveryFilterAutoRegistration(false).build());
        TestPlan plan = launcher.discover(request);
        List<String> out = new ArrayList<>();
        for (TestIdentifier root : plan.getRoots()) {
            plan.getDescendants(root).stream().filter(t -> t.getType().isTest() || t.getType().isContainer()
                    && t.getSource().map(s -> s instanceof org.junit.platform.engine.support.descriptor.MethodSource).orElse(false))
                    .forEach(t -> out.add(t.getUniqueId()));
        }
        return out;
    }

    @Test
    void theShardsOfOneSuiteRunEachTestExactlyOnce() {
        List<String> whole = testsOf(null);
        assertThat(whole).hasSize(8);
        List<String> union = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            union.addAll(testsOf(new ShardFilter(new Shard(k, 3), TIMINGS)));
        }
        assertThat(union).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(whole);
    }

    @Test
    void aClassRunsWhollyInOneShard() {
        for (Class<?> c : List.of(Alpha.class, Beta.class, Outer.Inner.class)) {
            int shards = 0;
            for (int k = 1; k <= 3; k++) {
                if (testsOf(new ShardFilter(new Shard(k, 3), TIMINGS)).stream().anyMatch(id -> inClass(id, c))) {
                    shards++;
                }
            }
            assertThat(shards).as(c.getName()).isEqualTo(1);
        }
    }

    @Test
    void aNestedClassIsAUnitApartFromItsOuterClass() {
        // Longest first onto the least loaded of 3: Alpha 1, Beta 2, Inner 3, Gamma 3, Delta 2, Outer 2.
        List<String> second = testsOf(new ShardFilter(new Shard(2, 3), TIMINGS));
        List<String> third = testsOf(new ShardFilter(new Shard(3, 3), TIMINGS));
        assertThat(second).anyMatch(id -> id.endsWith("[method:o()]")).noneMatch(id -> inClass(id, Outer.Inner.class));
        assertThat(third).anyMatch(id -> id.endsWith("[method:i1()]")).noneMatch(id -> id.endsWith("[method:o()]"));
    }

    /** Jupiter's ids name a static class by its binary name and a {@code @Nested} one by its simple name. */
    private static boolean inClass(String uniqueId, Class<?> c) {
        return c == Outer.Inner.class ? uniqueId.contains("[nested-class:Inner]")
                : uniqueId.contains("[class:" + c.getName() + "]") && !uniqueId.contains("[nested-class:");
    }

    @Test
    void withoutAShardEverythingStays() {
        assertThat(testsOf(new ShardFilter(null, TIMINGS))).containsExactlyInAnyOrderElementsOf(testsOf(null));
    }

    // The classes below are only discovered here, never run: Surefire skips nested classes of a test class.
    static class Alpha {
        @Test
        void a1() {
        }

        @Test
        void a2() {
        }
    }

    static class Beta {
        @ParameterizedTest
        @ValueSource(ints = {1, 2, 3})
        void b(int i) {
        }
    }

    static class Gamma {
        @Test
        void g() {
        }
    }

    static class Delta {
        @Test
        void d() {
        }
    }

    static class Outer {
        @Test
        void o() {
        }

        @Nested
        class Inner {
            @Test
            void i1() {
            }

            @Test
            void i2() {
            }
        }
    }
}
