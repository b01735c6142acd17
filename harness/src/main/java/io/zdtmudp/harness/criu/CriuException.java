package io.zdtmudp.harness.criu;

/** A CRIU run failed where it had to succeed. */
public class CriuException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient CriuResult result;

    public CriuException(CriuResult result) {
        super(describe(result));
        this.result = result;
    }

    public CriuResult result() {
        return result;
    }

    private static String describe(CriuResult r) {
        String errors = String.join("\n", r.errorLines());
        String tail = r.log().lines().skip(Math.max(0, r.log().lines().count() - 30)).reduce((a, b) -> a + "\n" + b).orElse("");
        return "`" + String.join(" ", r.command()) + "` exited " + r.exitCode() + " after " + r.duration().toMillis() + " ms"
                + (errors.isEmpty() ? "" : "\n--- errors ---\n" + errors)
                + "\n--- log tail ---\n" + tail
                + (r.output().isBlank() ? "" : "\n--- output ---\n" + r.output().strip());
    }
}
