package io.zdtmudp.bench;

/**
 * One receive-queue size to measure: {@code count} datagrams of {@code length} bytes. Every load
 * runs with the same forced receive buffer, the empty one included, so the socket differs only in
 * what is queued.
 */
record QueueLoad(int count, int length) {
    /** Room for 10,000 x 1 KiB and 100 x 64 KiB with their skb overhead (truesize is 2-3x the payload). */
    static final int RCVBUF = 64 << 20;
    static final QueueLoad EMPTY = new QueueLoad(0, 0);

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
