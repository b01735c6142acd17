package io.zdtmudp.harness.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardPlanTest {
    private static Map<String, Double> weights(int n, long seed) {
        Random r = new Random(seed);
        Map<String, Double> w = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            // Like a real suite: many short classes and a few long ones.
            w.put("io.example.Case" + i + "IT", r.nextInt(10) == 0 ? 40 + r.nextDouble() * 60 : r.nextDouble() * 15);
        }
        return w;
    }

    @Test
    void everyClassLandsInExactlyOneShard() {
        Map<String, Double> w = weights(57, 1);
        ShardPlan plan = ShardPlan.of(w.keySet(), ShardTimings.of(w), 4);
        List<String> all = new ArrayList<>();
        for (int k = 1; k <= 4; k++) {
            for (String c : plan.testClasses(k)) {
                assertThat(plan.shardOf(c)).isEqualTo(k);
                all.add(c);
            }
        }
        assertThat(all).hasSize(57).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(w.keySet());
        assertThat(plan.totalSeconds()).isCloseTo(w.values().stream().mapToDouble(Double::doubleValue).sum(),
                org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void theOrderClassesAreFoundInDoesNotChangeThePlan() {
        Map<String, Double> w = weights(40, 2);
        List<String> shuffled = new ArrayList<>(w.keySet());
        Collections.shuffle(shuffled, new Random(3));
        ShardPlan a = ShardPlan.of(w.keySet(), ShardTimings.of(w), 3);
        ShardPlan b = ShardPlan.of(shuffled, ShardTimings.of(w), 3);
        for (String c : w.keySet()) {
            assertThat(b.shardOf(c)).as(c).isEqualTo(a.shardOf(c));
        }
    }

    @Test
    void theLargestShardStaysNearTheMeanWhenNoClassDominates() {
        Map<String, Double> w = weights(60, 4);
        ShardPlan plan = ShardPlan.of(w.keySet(), ShardTimings.of(w), 4);
        double mean = plan.totalSeconds() / 4;
        for (int k = 1; k <= 4; k++) {
            assertThat(plan.seconds(k)).as("shard %d of mean %.1f", k, mean).isBetween(mean * 0.75, mean * 1.25);
        }
    }

    @Test
    void equalWeightsSplitByCount() {
        Set<String> classes = new HashSet<>(List.of("A", "B", "C", "D", "E", "F", "G"));
        ShardPlan plan = ShardPlan.of(classes, ShardTimings.none(), 3);
        assertThat(List.of(plan.testClasses(1).size(), plan.testClasses(2).size(), plan.testClasses(3).size()))
                .containsExactly(3, 2, 2);
    }

    @Test
    void aClassWithoutARecordedTimeWeighsTheMedian() {
        ShardTimings t = ShardTimings.of(Map.of("A", 1.0, "B", 5.0, "C", 9.0));
        assertThat(t.seconds("Z")).isEqualTo(5.0);
        assertThat(t.knows("Z")).isFalse();
        assertThat(ShardTimings.none().seconds("Z")).isPositive();
    }

    @Test
    void moreShardsThanClassesLeavesSomeEmpty() {
        ShardPlan plan = ShardPlan.of(List.of("A", "B"), ShardTimings.none(), 4);
        assertThat(plan.testClasses(3)).isEmpty();
        assertThat(plan.testClasses(1)).containsExactly("A");
        assertThatThrownBy(() -> plan.shardOf("C")).hasMessageContaining("not in the plan: C");
        assertThatThrownBy(() -> plan.seconds(5)).hasMessageContaining("1..4");
    }

    @Test
    void shardIsParsedOrRefusedWithTheExpectedForm() {
        assertThat(Shard.parse(" 2/4 ")).isEqualTo(new Shard(2, 4));
        for (String bad : List.of("0/4", "5/4", "2", "/4", "2/", "a/b", "1/0", "-1/2")) {
            assertThatThrownBy(() -> Shard.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("zdtm.shard must be k/n");
        }
    }

    @Test
    void timingFileIsReadAndAMalformedLineIsNamed(@TempDir Path dir) throws IOException {
        Path good = Files.writeString(dir.resolve("t.tsv"), "# comment\n\nio.A\t12.5\nio.B$Inner\t0\n");
        ShardTimings t = ShardTimings.read(good);
        assertThat(t.seconds("io.A")).isEqualTo(12.5);
        assertThat(t.knows("io.B$Inner")).isTrue();
        Path bad = Files.writeString(dir.resolve("bad.tsv"), "io.A\t12.5\nio.B 3\n");
        assertThatThrownBy(() -> ShardTimings.read(bad)).isInstanceOf(IOException.class).hasMessageContaining("bad.tsv:2")
                .hasMessageContaining("io.B 3");
        Path negative = Files.writeString(dir.resolve("neg.tsv"), "io.A\t-1\n");
        assertThatThrownBy(() -> ShardTimings.read(negative)).hasMessageContaining("neg.tsv:1");
    }
}
