package io.zdtmudp.harness.net;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The bytes of one datagram, and how the workload script names them.
 *
 * <p>Generated payloads travel as {@code gen:LEN:SEED} so a 64 KiB datagram or
 * ten thousand small ones do not bloat the script; the generator here and the
 * one in {@code udpq.c} must stay bit-for-bit equal.
 */
public final class Payload {
    /** The largest UDP payload over IPv4 (65535 - 20 - 8). */
    public static final int MAX_IPV4 = 65507;
    /** The largest UDP payload over IPv6 without jumbograms (65535 - 8). */
    public static final int MAX_IPV6 = 65527;

    private final byte[] bytes;
    private final String scriptForm;

    private Payload(byte[] bytes, String scriptForm) {
        this.bytes = bytes;
        this.scriptForm = scriptForm;
    }

    public static Payload of(byte[] bytes) {
        return new Payload(bytes.clone(), bytes.length == 0 ? "-" : "hex:" + HexFormat.of().formatHex(bytes));
    }

    public static Payload text(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    public static Payload empty() {
        return of(new byte[0]);
    }

    /** {@code length} pseudo-random bytes, a pure function of {@code seed}. */
    public static Payload generated(int length, long seed) {
        if (length < 0 || length > 65535) {
            throw new IllegalArgumentException("payload length out of range: " + length);
        }
        return new Payload(generate(length, seed), "gen:" + length + ":" + Integer.toUnsignedString((int) seed));
    }

    /** xorshift32 seeded with {@code seed * 2654435761 + 1}, one byte per step (see udpq.c). */
    static byte[] generate(int length, long seed) {
        int x = (int) seed * (int) 2654435761L + 1;
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            out[i] = (byte) x;
        }
        return out;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    /** How the udpq workload script names these bytes: {@code -}, {@code hex:...} or {@code gen:LEN:SEED}. */
    public String scriptForm() {
        return scriptForm;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Payload other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 16));
        return bytes.length + " bytes [" + hex + (bytes.length > 16 ? "..." : "") + "]";
    }
}
