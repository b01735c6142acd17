package io.zdtmudp.bench;

import java.util.List;

/**
 * What the kernel counted for UDP in one netns (/proc/net/snmp, "Udp:" header and value lines)
 * between two readings: datagrams handed to a reader, sent, and dropped on the way in.
 */
record UdpCounters(long in, long out, long dropped) {
    /** The difference between the first and the second pair of "Udp:" lines in {@code text}. */
    static UdpCounters delta(String text) {
        List<String> lines = text.lines().filter(l -> l.startsWith("Udp:")).toList();
        if (lines.size() != 4) {
            throw new IllegalArgumentException("expected two readings of the Udp: lines of /proc/net/snmp, got:\n" + text);
        }
        UdpCounters before = parse(lines.get(0), lines.get(1));
        UdpCounters after = parse(lines.get(2), lines.get(3));
        return new UdpCounters(after.in - before.in, after.out - before.out, after.dropped - before.dropped);
    }

    static UdpCounters parse(String header, String values) {
        List<String> names = List.of(header.substring(4).trim().split("\\s+"));
        String[] v = values.substring(4).trim().split("\\s+");
        if (names.size() != v.length) {
            throw new IllegalArgumentException("Udp: header and values differ in length: " + header + " / " + values);
        }
        java.util.function.ToLongFunction<String> field = name -> {
            int i = names.indexOf(name);
            if (i < 0) {
                throw new IllegalArgumentException("no " + name + " in " + header);
            }
            return Long.parseLong(v[i]);
        };
        // InErrors already counts RcvbufErrors; both are read so a kernel that splits them differently is still caught.
        long dropped = Math.max(field.applyAsLong("InErrors"), field.applyAsLong("RcvbufErrors"));
        return new UdpCounters(field.applyAsLong("InDatagrams"), field.applyAsLong("OutDatagrams"), dropped);
    }
}
