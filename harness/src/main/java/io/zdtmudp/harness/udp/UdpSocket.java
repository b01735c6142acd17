package io.zdtmudp.harness.udp;

import io.zdtmudp.harness.net.Endpoint;
import io.zdtmudp.harness.net.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One socket of a {@link UdpScenario}: its family, protocol, addresses and the
 * options set before the checkpoint. Setters return {@code this} so a case
 * reads as one line per socket.
 */
public final class UdpSocket {
    private final String name;
    private final IpFamily family;
    private boolean udplite;
    private Endpoint bound;
    private Endpoint peer;
    private final List<String> options = new ArrayList<>();
    private boolean pktinfo;

    UdpSocket(String name, IpFamily family) {
        if (!name.matches("[A-Za-z][A-Za-z0-9_]{0,30}")) {
            throw new IllegalArgumentException("socket names are identifiers of at most 31 chars: " + name);
        }
        this.name = name;
        this.family = Objects.requireNonNull(family);
    }

    public String name() {
        return name;
    }

    public IpFamily family() {
        return family;
    }

    /** Where the socket is bound, if it is. */
    public Endpoint bound() {
        return bound;
    }

    public Endpoint peer() {
        return peer;
    }

    boolean reportsDestination() {
        return pktinfo;
    }

    public UdpSocket udplite() {
        this.udplite = true;
        return this;
    }

    public UdpSocket bind(Endpoint address) {
        if (family == IpFamily.INET && address.family() == IpFamily.INET6) {
            throw new IllegalArgumentException(name + " is " + family + ", cannot bind to " + address);
        }
        this.bound = address.seenBy(family);
        return this;
    }

    public UdpSocket bind(String literal, int port) {
        return bind(Endpoint.parse(literal, port));
    }

    public UdpSocket connect(Endpoint address) {
        this.peer = address.seenBy(family);
        return this;
    }

    /** Connects to where {@code other} is bound. */
    public UdpSocket connect(UdpSocket other) {
        return connect(other.reachableAt(family));
    }

    public UdpSocket v6only(boolean on) {
        return option("v6only", on ? 1 : 0);
    }

    public UdpSocket receiveBuffer(int bytes) {
        return option("rcvbuf", bytes);
    }

    /** SO_RCVBUFFORCE: above net.core.rmem_max, as root. */
    public UdpSocket receiveBufferForce(int bytes) {
        return option("rcvbufforce", bytes);
    }

    public UdpSocket peekOffset(int offset) {
        return option("peekoff", offset);
    }

    /** IP_PKTINFO / IPV6_RECVPKTINFO: received datagrams carry their destination. */
    public UdpSocket pktinfo() {
        this.pktinfo = true;
        return option("pktinfo", 1);
    }

    public UdpSocket reuseAddress() {
        return option("reuseaddr", 1);
    }

    public UdpSocket cork() {
        return option("cork", 1);
    }

    /** IP_RECVTTL / IPV6_RECVHOPLIMIT: received datagrams carry their TTL or hop limit. */
    public UdpSocket receiveTtl() {
        return option("recvttl", 1);
    }

    /** IP_RECVTOS / IPV6_RECVTCLASS: received datagrams carry their TOS or traffic class. */
    public UdpSocket receiveTos() {
        return option("recvtos", 1);
    }

    /** SO_TIMESTAMPNS: received datagrams carry the time they arrived at ({@link UdpOutcome.Marks#arrivalNanos}). */
    public UdpSocket receiveTimestamps() {
        return option("tstampns", 1);
    }

    /**
     * IPV6_FLOWINFO: received IPv6 datagrams carry their flow label ({@link UdpOutcome.Marks#flowLabel}); an
     * IPv6 socket's option.
     */
    public UdpSocket receiveFlowLabels() {
        if (family != IpFamily.INET6) {
            throw new IllegalStateException("IPV6_FLOWINFO is an option of IPv6 sockets, " + name() + " is " + family);
        }
        return option("flowinfo", 1);
    }

    /** SO_BROADCAST: the socket may send to a broadcast address. */
    public UdpSocket broadcast() {
        return option("broadcast", 1);
    }

    /** Joins multicast group {@code group} (an address of this socket's family) on lo. */
    public UdpSocket joinGroup(String group) {
        Endpoint g = Endpoint.parse(group, 0);
        if (g.family() != family || !g.isMulticast()) {
            throw new IllegalArgumentException(group + " is not a " + family + " multicast group");
        }
        options.add("join=" + g.host());
        return this;
    }

    /** IP_MULTICAST_IF / IPV6_MULTICAST_IF lo: multicast from this socket goes out of lo, and loops back. */
    public UdpSocket multicastOnLoopback() {
        return option("mcastlo", 1);
    }

    public UdpSocket ttl(int ttl) {
        return option("ttl", ttl);
    }

    public UdpSocket tos(int tos) {
        return option("tos", tos);
    }

    private UdpSocket option(String key, int value) {
        options.add(key + "=" + value);
        return this;
    }

    /** The address a sender of {@code senderFamily} uses to reach this socket. */
    Endpoint reachableAt(IpFamily senderFamily) {
        if (bound == null) {
            throw new IllegalStateException("socket " + name + " is not bound: bind it to send to it");
        }
        Endpoint to = bound;
        if (to.isWildcard()) {
            to = senderFamily.loopback().withPort(bound.port());
        } else if (senderFamily == IpFamily.INET && to.family() == IpFamily.INET6) {
            to = to.unmapped();
        }
        return to;
    }

    /**
     * The source address of this socket's datagrams to {@code destination}
     * (given in this socket's family). A wildcard-bound sender gets the
     * kernel's choice on lo: 127.0.0.1 for IPv4, the destination itself for
     * IPv6 (source address selection prefers the same address).
     */
    Endpoint sourceFor(Endpoint destination) {
        if (bound == null || bound.port() == 0) {
            throw new IllegalStateException(
                    "bind " + name + " to a fixed port: the expected source of its datagrams must be known");
        }
        if (!bound.isWildcard()) {
            return bound;
        }
        boolean v4 = destination.family() == IpFamily.INET || destination.isMapped();
        Endpoint src = v4 ? IpFamily.INET.loopback().seenBy(family) : destination;
        return src.withPort(bound.port());
    }

    String scriptLine() {
        StringBuilder line = new StringBuilder("sock ").append(name).append(' ')
                .append(family.scriptName()).append(' ').append(udplite ? "udplite" : "udp");
        for (String option : options) {
            line.append(' ').append(option);
        }
        if (bound != null) {
            line.append(" bind=").append(bound.scriptForm());
        }
        if (peer != null) {
            line.append(" connect=").append(peer.scriptForm());
        }
        return line.toString();
    }

    @Override
    public String toString() {
        return name + "(" + family + (udplite ? "/udplite" : "") + ")";
    }
}
