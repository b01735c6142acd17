package io.zdtmudp.harness.net;

/** The address family of a UDP socket, with the addresses a case needs most. */
public enum IpFamily {
    INET("4", "127.0.0.1", "0.0.0.0"),
    INET6("6", "::1", "::");

    private final String scriptName;
    private final Endpoint loopback;
    private final Endpoint any;

    IpFamily(String scriptName, String loopback, String any) {
        this.scriptName = scriptName;
        this.loopback = Endpoint.parse(loopback, 0);
        this.any = Endpoint.parse(any, 0);
    }

    /** How the udpq workload script names this family: {@code 4} or {@code 6}. */
    public String scriptName() {
        return scriptName;
    }

    /** The loopback address of this family, port 0. */
    public Endpoint loopback() {
        return loopback;
    }

    /** The wildcard address of this family, port 0. */
    public Endpoint any() {
        return any;
    }

    /**
     * The {@code n}th extra loopback-reachable address: 127.0.0.{n} for IPv4,
     * fd00::{n} for IPv6 (which the case must add to lo first; see
     * {@code udp.UdpScenario.extraAddresses()}).
     */
    public Endpoint host(int n) {
        if (n < 1 || n > 254) {
            throw new IllegalArgumentException("host number must be 1..254: " + n);
        }
        return this == INET ? Endpoint.parse("127.0.0." + n, 0) : Endpoint.parse("fd00::" + Integer.toHexString(n), 0);
    }
}
