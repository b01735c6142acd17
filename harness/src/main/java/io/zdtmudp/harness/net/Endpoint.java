package io.zdtmudp.harness.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IP address and a port, kept as raw bytes.
 *
 * <p>Not {@link java.net.InetSocketAddress}: Java folds an IPv4-mapped IPv6
 * address into an IPv4 one, and a dual-stack case must tell
 * {@code ::ffff:127.0.0.1} from {@code 127.0.0.1}.
 */
public final class Endpoint {
    private final byte[] address;
    private final int port;

    private Endpoint(byte[] address, int port) {
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + address.length);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.address = address.clone();
        this.port = port;
    }

    public static Endpoint of(byte[] address, int port) {
        return new Endpoint(address, port);
    }

    /** Parses an IPv4 or IPv6 literal; a literal with a ':' always yields 16 bytes. */
    public static Endpoint parse(String literal, int port) {
        if (!literal.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an IP literal: " + literal);
        }
        try {
            byte[] raw = InetAddress.getByName(literal).getAddress();
            if (literal.contains(":") && raw.length == 4) {
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(raw, 0, mapped, 12, 4);
                raw = mapped;
            }
            return new Endpoint(raw, port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + literal, e);
        }
    }

    public byte[] address() {
        return address.clone();
    }

    public int port() {
        return port;
    }

    public IpFamily family() {
        return address.length == 4 ? IpFamily.INET : IpFamily.INET6;
    }

    public Endpoint withPort(int newPort) {
        return new Endpoint(address, newPort);
    }

    public boolean isWildcard() {
        for (byte b : address) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** 224.0.0.0/4 or ff00::/8 (an IPv4-mapped address counts as its IPv4 self). */
    public boolean isMulticast() {
        if (address.length == 4 || isMapped()) {
            return (address[address.length - 4] & 0xf0) == 0xe0;
        }
        return (address[0] & 0xff) == 0xff;
    }

    /** The IPv4-mapped IPv6 form of an IPv4 endpoint; an IPv6 one is returned as is. */
    public Endpoint mapped() {
        if (address.length == 16) {
            return this;
        }
        byte[] m = new byte[16];
        m[10] = (byte) 0xff;
        m[11] = (byte) 0xff;
        System.arraycopy(address, 0, m, 12, 4);
        return new Endpoint(m, port);
    }

    /** The IPv4 endpoint behind an IPv4-mapped one; any other endpoint is returned as is. */
    public Endpoint unmapped() {
        return isMapped() ? new Endpoint(Arrays.copyOfRange(address, 12, 16), port) : this;
    }

    /** How this endpoint is seen by a socket of {@code family}. */
    public Endpoint seenBy(IpFamily family) {
        return family == IpFamily.INET6 ? mapped() : this;
    }

    /** The address as an IP literal, in the form the guest prints (inet_ntop). */
    public String host() {
        try {
            if (isMapped()) {
                byte[] v4 = Arrays.copyOfRange(address, 12, 16);
                return "::ffff:" + InetAddress.getByAddress(v4).getHostAddress();
            }
            String text = InetAddress.getByAddress(address).getHostAddress();
            return address.length == 16 ? compress(text) : text;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether this is an IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
    public boolean isMapped() {
        if (address.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    /** Java prints 0:0:0:0:0:0:0:1; the guest and humans write ::1. */
    private static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < groups.length; ) {
            if (!groups[i].equals("0")) {
                i++;
                continue;
            }
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLen && j - i > 1) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
        return head + "::" + tail;
    }

    /** The form the workload script takes: {@code ADDR,PORT}. */
    public String scriptForm() {
        return host() + "," + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint other && port == other.port && Arrays.equals(address, other.address);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(address) + port;
    }

    @Override
    public String toString() {
        return (address.length == 16 ? "[" + host() + "]" : host()) + ":" + port;
    }
}
