package io.zdtmudp.harness.cycle;

import java.util.Set;
import java.util.TreeSet;

/** The local ports of the sockets listed in {@code /proc/net/udp} and {@code /proc/net/udp6}. */
final class ProcNetUdp {
    private ProcNetUdp() {}

    /**
     * Every local port in {@code text}, the concatenation of any number of those files: a line per socket,
     * {@code sl local_address rem_address ...}, the address as hex and the port after a colon, also in hex.
     */
    static Set<Integer> boundPorts(String text) {
        Set<Integer> ports = new TreeSet<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || !f[0].endsWith(":")) {
                continue; // a header line ("sl local_address ..."), or a blank one
            }
            int colon = f[1].lastIndexOf(':');
            if (colon < 0) {
                continue;
            }
            try {
                int port = Integer.parseInt(f[1].substring(colon + 1), 16);
                if (port != 0) {
                    ports.add(port);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a /proc/net/udp line: " + line, e);
            }
        }
        return ports;
    }

    /**
     * The receive-queue memory ({@code rx_queue}, bytes of the queued buffers, not a datagram count) of the
     * sockets in {@code text} bound to {@code port}, summed.
     */
    static long queuedBytes(String text, int port) {
        long sum = 0;
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5 || !f[0].endsWith(":")) {
                continue;
            }
            try {
                int colon = f[1].lastIndexOf(':');
                if (colon < 0 || Integer.parseInt(f[1].substring(colon + 1), 16) != port) {
                    continue;
                }
                sum += Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16);
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("not a /proc/net/udp line: " + line, e);
            }
        }
        return sum;
    }
}
