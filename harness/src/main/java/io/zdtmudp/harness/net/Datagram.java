package io.zdtmudp.harness.net;

import java.util.Objects;
import java.util.Optional;

/**
 * One datagram as a receiving socket sees it: who sent it, which local
 * address it was sent to (when the socket reports it), and its bytes.
 */
public final class Datagram {
    private final Endpoint source;
    private final Endpoint destination;
    private final Payload payload;

    public Datagram(Endpoint source, Endpoint destination, Payload payload) {
        this.source = Objects.requireNonNull(source, "source");
        this.destination = destination == null ? null : destination.withPort(0);
        this.payload = Objects.requireNonNull(payload, "payload");
    }

    public Endpoint source() {
        return source;
    }

    /** The destination address (port 0), if the receiver asked for packet info. */
    public Optional<Endpoint> destination() {
        return Optional.ofNullable(destination);
    }

    public Payload payload() {
        return payload;
    }

    /** This datagram as seen without packet info. */
    public Datagram withoutDestination() {
        return new Datagram(source, null, payload);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Datagram other
                && source.equals(other.source)
                && Objects.equals(destination, other.destination)
                && payload.equals(other.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, destination, payload);
    }

    @Override
    public String toString() {
        return "from " + source + (destination == null ? "" : " to " + destination.host()) + ": " + payload;
    }
}
