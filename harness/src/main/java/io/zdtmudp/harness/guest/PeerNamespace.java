package io.zdtmudp.harness.guest;

import io.zdtmudp.harness.net.Endpoint;
import io.zdtmudp.harness.net.IpFamily;
import java.util.ArrayList;
import java.util.List;

/**
 * A second network namespace of the guest, joined to the test's namespace by a veth pair: where the client
 * of a checkpointed server sits, so that its requests and the answers cross a real interface and reach the
 * server with that interface's index and addresses, as a remote client's would.
 *
 * <p>Each side has one IPv4 and one IPv6 address, {@code 10.77.0.1}/{@code fd77::1} on the test's side and
 * {@code .2}/{@code ::2} on the peer's. Every test has a namespace of its own, so the same subnets serve
 * tests running side by side; only the peer namespace's name carries the test's id. IPv6 is up at once:
 * no duplicate address detection to wait for, nor a notification of its end arriving later.
 */
public final class PeerNamespace implements AutoCloseable {
    private final Guest guest;
    private final String name;

    private PeerNamespace(Guest guest, String name) {
        this.guest = guest;
        this.name = name;
    }

    /**
     * Creates the namespace {@code prefix + test id}, the veth pair {@code zpeer0} (the test's side) and
     * {@code zpeer1} (the peer's), their addresses and both loopbacks; fails naming the command that did.
     */
    public static PeerNamespace create(Guest guest, String prefix) {
        var peer = new PeerNamespace(guest, prefix + guest.id());
        String dev = "zpeer0";
        String peerDev = "zpeer1";
        guest.run(Guest.IP, "netns", "add", peer.name);
        try {
            guest.run(Guest.IP, "link", "add", dev, "type", "veth", "peer", "name", peerDev, "netns", peer.name);
            // No duplicate address detection on the link-local addresses either: it ends a second after the
            // link is up with a netlink notification, which a server started by then (dnsmasq follows its
            // interfaces on a netlink socket) would hold unread in a checkpoint, and CRIU refuses that.
            guest.run("sh", "-c", "echo 0 > /proc/sys/net/ipv6/conf/" + dev + "/accept_dad");
            guest.run(Guest.IP, "netns", "exec", peer.name, "sh", "-c",
                    "echo 0 > /proc/sys/net/ipv6/conf/" + peerDev + "/accept_dad");
            for (IpFamily f : IpFamily.values()) {
                guest.run(withNodad(f, Guest.IP, "addr", "add", peer.local(f).host() + prefixLength(f), "dev", dev));
                guest.run(withNodad(f, Guest.IP, "-n", peer.name, "addr", "add",
                        peer.remote(f).host() + prefixLength(f), "dev", peerDev));
            }
            guest.run(Guest.IP, "link", "set", "lo", "up");
            guest.run(Guest.IP, "link", "set", dev, "up");
            guest.run(Guest.IP, "-n", peer.name, "link", "set", "lo", "up");
            guest.run(Guest.IP, "-n", peer.name, "link", "set", peerDev, "up");
        } catch (RuntimeException e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    private static String[] withNodad(IpFamily f, String... argv) {
        List<String> a = new ArrayList<>(List.of(argv));
        if (f == IpFamily.INET6) {
            a.add("nodad");
        }
        return a.toArray(String[]::new);
    }

    private static String prefixLength(IpFamily f) {
        return f == IpFamily.INET ? "/24" : "/64";
    }

    /** The namespace's name, as {@code ip netns} knows it. */
    public String name() {
        return name;
    }

    /** The test's side of the pair (where a server listens), port 0. */
    public Endpoint local(IpFamily f) {
        return address(f, 1);
    }

    /** The peer's side of the pair (where the client sits), port 0. */
    public Endpoint remote(IpFamily f) {
        return address(f, 2);
    }

    private Endpoint address(IpFamily f, int host) {
        return f == IpFamily.INET ? Endpoint.parse("10.77.0." + host, 0) : Endpoint.parse("fd77::" + host, 0);
    }

    /** {@code argv} run inside the namespace ({@code ip netns exec}, which execs it: the pid stays argv's). */
    public String[] argv(String... argv) {
        List<String> a = new ArrayList<>(List.of(Guest.IP, "netns", "exec", name));
        a.addAll(List.of(argv));
        return a.toArray(String[]::new);
    }

    /** Deletes the namespace; the veth pair goes with it. */
    @Override
    public void close() {
        guest.exec(Guest.IP, "netns", "del", name);
    }
}
