package io.zdtmudp.harness.shard;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Test classes spread over {@code count} shards by their recorded time: longest first, each onto the shard with
 * the least time so far (ties to the lowest shard). It depends only on the set of classes and the timings, so
 * every shard of one suite computes the same plan on its own and no class runs twice or never.
 */
public final class ShardPlan {
    private final int count;
    private final Map<String, Integer> shardOf = new HashMap<>();
    private final double[] load;
    private final List<List<String>> units = new ArrayList<>();

    private ShardPlan(Collection<String> testClasses, ShardTimings timings, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a plan needs at least one shard, got " + count);
        }
        this.count = count;
        this.load = new double[count];
        for (int i = 0; i < count; i++) {
            units.add(new ArrayList<>());
        }
        List<String> order = new ArrayList<>(new TreeSet<>(testClasses));
        order.sort(Comparator.comparingDouble(timings::seconds).reversed());
        for (String c : order) {
            int least = 0;
            for (int i = 1; i < count; i++) {
                if (load[i] < load[least]) {
                    least = i;
                }
            }
            load[least] += timings.seconds(c);
            units.get(least).add(c);
            shardOf.put(c, least + 1);
        }
    }

    public static ShardPlan of(Collection<String> testClasses, ShardTimings timings, int count) {
        return new ShardPlan(testClasses, timings, count);
    }

    /** The shard (1-based) that runs this class; a class outside the plan is refused, not guessed. */
    public int shardOf(String testClass) {
        Integer s = shardOf.get(testClass);
        if (s == null) {
            throw new IllegalArgumentException("not in the plan: " + testClass);
        }
        return s;
    }

    /** The recorded seconds a shard (1-based) is expected to take. */
    public double seconds(int shard) {
        return load[checked(shard)];
    }

    public List<String> testClasses(int shard) {
        return List.copyOf(units.get(checked(shard)));
    }

    public double totalSeconds() {
        double t = 0;
        for (double l : load) {
            t += l;
        }
        return t;
    }

    public int size() {
        return shardOf.size();
    }

    private int checked(int shard) {
        if (shard < 1 || shard > count) {
            throw new IllegalArgumentException("shard " + shard + " is not in 1.." + count);
        }
        return shard - 1;
    }
}
