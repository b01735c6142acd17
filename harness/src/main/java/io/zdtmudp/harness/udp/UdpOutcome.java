package io.zdtmudp.harness.udp;

import io.zdtmudp.harness.net.Datagram;
import io.zdtmudp.harness.net.Endpoint;
import io.zdtmudp.harness.net.Payload;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the workload observed, parsed from its result file: the datagrams each
 * socket delivered after the restore, what it peeked, and its state.
 */
public final class UdpOutcome {
    /**
     * The TTL (hop limit) and TOS (traffic class) a datagram arrived with, when it arrived (SO_TIMESTAMPNS,
     * nanoseconds since the epoch) and its IPv6 flow label (IPV6_FLOWINFO); each -1 when not asked for, and the
     * flow label also when the datagram came with neither a label nor a traffic class (the kernel reports none).
     */
    public record Marks(int ttl, int tos, long arrivalNanos, int flowLabel) {
        /** A datagram's TTL and TOS, on a socket that does not ask when it arrived. */
        public Marks(int ttl, int tos) {
            this(ttl, tos, -1);
        }

        /** A datagram's TTL, TOS and arrival time, on a socket that does not ask for flow labels. */
        public Marks(int ttl, int tos, long arrivalNanos) {
            this(ttl, tos, arrivalNanos, -1);
        }
    }

    /** A socket's state as getsockopt/getsockname/getpeername report it. */
    public record SocketState(int peekOffset, int receiveBuffer, Endpoint local, Endpoint peer) {
    }

    private final Map<String, Endpoint> locals = new LinkedHashMap<>();
    private final Map<String, SocketState> statesBefore = new LinkedHashMap<>();
    private final Map<String, SocketState> statesAfter = new LinkedHashMap<>();
    private final Map<String, List<Datagram>> drained = new LinkedHashMap<>();
    private final Map<String, List<Marks>> drainedMarks = new LinkedHashMap<>();
    private final Map<String, List<Datagram>> later = new LinkedHashMap<>();
    private final Map<String, List<Marks>> laterMarks = new LinkedHashMap<>();
    private final Map<String, Integer> errors = new LinkedHashMap<>();
    private final Map<String, List<Datagram>> peekedBefore = new LinkedHashMap<>();
    private final Map<String, List<Datagram>> peekedAfter = new LinkedHashMap<>();
    private long clockBefore = -1;
    private boolean complete;

    private UdpOutcome() {
    }

    /** Parses a result (or ready) file; an {@code error} line throws with the workload's message. */
    public static UdpOutcome parse(String text) {
        UdpOutcome o = new UdpOutcome();
        boolean restored = false;
        java.util.Set<String> emptied = new java.util.HashSet<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            try {
                switch (f[0]) {
                    case "local" -> o.locals.put(f[1], Endpoint.parse(f[2], Integer.parseInt(f[3])));
                    case "state" -> (restored ? o.statesAfter : o.statesBefore).put(f[1], state(f));
                    case "recv" -> {
                        boolean late = emptied.contains(f[1]);
                        (late ? o.later : o.drained).computeIfAbsent(f[1], k -> new ArrayList<>()).add(datagram(f));
                        (late ? o.laterMarks : o.drainedMarks).computeIfAbsent(f[1], k -> new ArrayList<>()).add(marks(f));
                    }
                    case "peek" -> (restored ? o.peekedAfter : o.peekedBefore)
                            .computeIfAbsent(f[1], k -> new ArrayList<>()).add(datagram(f));
                    case "empty" -> {
                        if (restored) {
                            emptied.add(f[1]);
                        }
                    }
                    case "sockerr" -> o.errors.put(f[1], Integer.parseInt(f[2]));
                    case "clock" -> {
                        if (!restored) {
                            o.clockBefore = nanos(f[1]);
                        }
                    }
                    case "after" -> restored = true;
                    case "done" -> o.complete = true;
                    case "error" -> throw new WorkloadError(
                            "the workload failed at script line " + f[1] + ": " + line.substring(line.indexOf(f[1]) + f[1].length()).trim());
                    default -> throw new IllegalArgumentException("unknown record");
                }
            } catch (WorkloadError e) {
                throw e;
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("bad workload result line " + n + ": '" + line + "': " + e.getMessage(), e);
            }
        }
        return o;
    }

    /** The workload reported a failure of its own (a socket call that failed, a bad script line). */
    public static final class WorkloadError extends RuntimeException {
        WorkloadError(String message) {
            super(message);
        }
    }

    private static Datagram datagram(String[] f) {
        // recv NAME SRC SPORT DST LEN HEX
        Endpoint src = Endpoint.parse(f[2], Integer.parseInt(f[3]));
        Endpoint dst = f[4].equals("-") ? null : Endpoint.parse(f[4], 0);
        int len = Integer.parseInt(f[5]);
        byte[] bytes = f[6].equals("-") ? new byte[0] : HexFormat.of().parseHex(f[6]);
        if (bytes.length != len) {
            throw new IllegalArgumentException("length " + len + " but " + bytes.length + " bytes");
        }
        return new Datagram(src, dst, Payload.of(bytes));
    }

    private static Marks marks(String[] f) {
        int ttl = -1;
        int tos = -1;
        long at = -1;
        int flow = -1;
        for (int i = 7; i < f.length; i++) {
            if (f[i].startsWith("ttl=")) {
                ttl = Integer.parseInt(f[i].substring(4));
            } else if (f[i].startsWith("tos=")) {
                tos = Integer.parseInt(f[i].substring(4));
            } else if (f[i].startsWith("at=")) {
                at = nanos(f[i].substring(3));
            } else if (f[i].startsWith("flow=")) {
                flow = Integer.parseInt(f[i].substring(5));
            } else {
                throw new IllegalArgumentException("unknown field " + f[i]);
            }
        }
        return new Marks(ttl, tos, at, flow);
    }

    /** SEC.NSEC (nine digits) as nanoseconds since the epoch. */
    private static long nanos(String secDotNsec) {
        int dot = secDotNsec.indexOf('.');
        if (dot < 0 || secDotNsec.length() - dot - 1 != 9) {
            throw new IllegalArgumentException("not SEC.NSEC: " + secDotNsec);
        }
        return Math.addExact(Math.multiplyExact(Long.parseLong(secDotNsec.substring(0, dot)), 1_000_000_000L),
                Long.parseLong(secDotNsec.substring(dot + 1)));
    }

    private static SocketState state(String[] f) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (int i = 2; i < f.length; i++) {
            int eq = f[i].indexOf('=');
            kv.put(f[i].substring(0, eq), f[i].substring(eq + 1));
        }
        return new SocketState(Integer.parseInt(kv.get("peekoff")), Integer.parseInt(kv.get("rcvbuf")),
                endpoint(kv.get("local")), kv.get("peer").equals("-") ? null : endpoint(kv.get("peer")));
    }

    private static Endpoint endpoint(String addrComma) {
        int c = addrComma.lastIndexOf(',');
        return Endpoint.parse(addrComma.substring(0, c), Integer.parseInt(addrComma.substring(c + 1)));
    }

    /** Whether the script ran to its end. */
    public boolean complete() {
        return complete;
    }

    /** Where the socket was bound when the workload created it. */
    public Endpoint local(UdpSocket socket) {
        return require(locals, socket);
    }

    /** The datagrams the socket delivered after the restore when its queue was drained. */
    public List<Datagram> received(UdpSocket socket) {
        return List.copyOf(drained.getOrDefault(socket.name(), List.of()));
    }

    /** The errno SO_ERROR gave after the restore (0 for none), where the case read it. */
    public int socketError(UdpSocket socket) {
        return require(errors, socket);
    }

    /** The TTL and TOS of each datagram of {@link #received}, in the same order. */
    public List<Marks> receivedMarks(UdpSocket socket) {
        return List.copyOf(drainedMarks.getOrDefault(socket.name(), List.of()));
    }

    /** Datagrams received after the drain, by the after-restore commands. */
    public List<Datagram> later(UdpSocket socket) {
        return List.copyOf(later.getOrDefault(socket.name(), List.of()));
    }

    /** TTL and TOS of each {@link #later} datagram, in the same order. */
    public List<Marks> laterMarks(UdpSocket socket) {
        return List.copyOf(laterMarks.getOrDefault(socket.name(), List.of()));
    }

    /** The guest's time of day where the case read it before the checkpoint ({@link UdpScenario#readClock}). */
    public java.util.OptionalLong clockBeforeCheckpoint() {
        return clockBefore < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(clockBefore);
    }

    public List<Datagram> peekedBeforeCheckpoint(UdpSocket socket) {
        return List.copyOf(peekedBefore.getOrDefault(socket.name(), List.of()));
    }

    public List<Datagram> peekedAfterRestore(UdpSocket socket) {
        return List.copyOf(peekedAfter.getOrDefault(socket.name(), List.of()));
    }

    public Optional<SocketState> stateBeforeCheckpoint(UdpSocket socket) {
        return Optional.ofNullable(statesBefore.get(socket.name()));
    }

    /** The state right after the restore, before the drain. */
    public SocketState stateAfterRestore(UdpSocket socket) {
        return require(statesAfter, socket);
    }

    private static <T> T require(Map<String, T> map, UdpSocket socket) {
        T value = map.get(socket.name());
        if (value == null) {
            throw new IllegalStateException("the workload reported nothing for socket " + socket.name());
        }
        return value;
    }
}
