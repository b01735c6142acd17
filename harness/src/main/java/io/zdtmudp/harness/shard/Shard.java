package io.zdtmudp.harness.shard;

/**
 * One of {@code count} parts of a suite, written {@code index/count} as in {@code -Dzdtm.shard=2/4}; every part
 * runs its share of the test classes, and the parts together run each class exactly once.
 */
public record Shard(int index, int count) {
    public static final String PROPERTY = "zdtm.shard";

    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new IllegalArgumentException(PROPERTY + " must be k/n with 1 <= k <= n, e.g. 2/4; got " + index + "/" + count);
        }
    }

    /** {@code "k/n"}; anything else is refused with the expected form in the message. */
    public static Shard parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1) {
            throw new IllegalArgumentException(PROPERTY + " must be k/n with 1 <= k <= n, e.g. 2/4; got '" + text + "'");
        }
        try {
            return new Shard(Integer.parseInt(t.substring(0, slash)), Integer.parseInt(t.substring(slash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + " must be k/n with 1 <= k <= n, e.g. 2/4; got '" + text + "'", e);
        }
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
