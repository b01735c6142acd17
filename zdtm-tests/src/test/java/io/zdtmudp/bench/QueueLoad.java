package io.zdtmudp.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One receive-queue size to measure: {@code count} datagrams of {@code length} bytes. Every load
 * runs with the same forced receive buffer, the empty one included, so the socket differs only in
 * what is queued.
 */
record QueueLoad(int count, int length) {
    /** Room for 10,000 x 1 KiB and 100 x 64 KiB with their skb overhead (truesize is 2-3x the payload). */
    static final int RCVBUF = 64 << 20;
    static final QueueLoad EMPTY = new QueueLoad(0, 0);

    /**
     * The loads of {@code all} named in {@code spec} ("COUNTxLENGTH,..."), the empty load first as
     * the baseline every share is taken against; all of them when {@code spec} is null or blank.
     */
    static List<QueueLoad> select(List<QueueLoad> all, String spec) {
        if (spec == null || spec.isBlank()) {
            return all;
        }
        Set<String> wanted = Arrays.stream(spec.split(",")).map(String::strip).collect(Collectors.toSet());
        List<QueueLoad> picked = all.stream()
                .filter(l -> l.count() == 0 || wanted.contains(l.count() + "x" + l.length()))
                .toList();
        if (picked.size() != wanted.size() + 1) {
            throw new IllegalArgumentException("zdtm.bench.loads=" + spec + ": known loads are "
                    + all.stream().skip(1).map(l -> l.count() + "x" + l.length()).toList());
        }
        return picked;
    }

    long payloadBytes() {
        return (long) count * length;
    }

    @Override
    public String toString() {
        return label();
    }

    String label() {
        if (count == 0) {
            return "empty";
        }
        String size = length % 1024 == 0 ? length / 1024 + " KiB"
                : length > 60_000 ? "64 KiB (" + length + " B)" : length + " B";
        return String.format("%,d x %s", count, size);
    }
}
