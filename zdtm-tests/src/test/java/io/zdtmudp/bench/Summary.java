package io.zdtmudp.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Median and spread of repeated measurements. The machine is shared and noisy, so a median says
 * more than a mean, and min/max show how far one run can stray.
 */
record Summary(int n, double median, double min, double max) {
    static Summary of(List<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples to summarise");
        }
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Summary(n, median, sorted.get(0), sorted.get(n - 1));
    }

    /** "median (min-max)" with no decimals, the way the table shows milliseconds. */
    String format() {
        return String.format("%.0f (%.0f-%.0f)", median, min, max);
    }
}
