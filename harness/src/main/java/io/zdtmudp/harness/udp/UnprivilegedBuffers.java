package io.zdtmudp.harness.udp;

import io.zdtmudp.harness.agent.GuestCommand;
import io.zdtmudp.harness.guest.Guest;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an unprivileged container's application gets a receive buffer above the default: SO_RCVBUFFORCE needs
 * CAP_NET_ADMIN in the initial user namespace (EPERM in a container), so it asks with SO_RCVBUF, which the
 * kernel grants up to {@code net.core.rmem_max}, and the host's administrator raises that maximum. The socket
 * ends up with the same buffer either way: both double the size asked for.
 */
final class UnprivilegedBuffers {
    private static final Pattern FORCED = Pattern.compile("\\brcvbufforce=(\\d+)");
    private static final String RMEM_MAX = "/proc/sys/net/core/rmem_max";

    private UnprivilegedBuffers() {
    }

    /** {@code script} with each forced receive buffer asked for with SO_RCVBUF instead. */
    static String script(String script) {
        return FORCED.matcher(script).replaceAll("rcvbuf=$1");
    }

    /** The largest receive buffer {@code script} forces, if any. */
    static OptionalLong largestForced(String script) {
        Matcher m = FORCED.matcher(script);
        long max = -1;
        while (m.find()) {
            max = Math.max(max, Long.parseLong(m.group(1)));
        }
        return max < 0 ? OptionalLong.empty() : OptionalLong.of(max);
    }

    /**
     * Raises the guest's {@code net.core.rmem_max} (one value for all its network namespaces) to at least
     * what {@code script} forces, as the administrator would; never lowers it, and one test at a time, so a
     * test running beside this one keeps the maximum it raised.
     */
    static void admit(Guest guest, String script) {
        OptionalLong wanted = largestForced(script);
        if (wanted.isEmpty()) {
            return;
        }
        // through the agent, in the initial network namespace: the only one where the sysctl is writable
        synchronized (UnprivilegedBuffers.class) {
            long now = Long.parseLong(guest.agent().readText(RMEM_MAX).strip());
            if (now < wanted.getAsLong()) {
                guest.agent().exec(GuestCommand.of("sh", "-c", "echo " + wanted.getAsLong() + " > " + RMEM_MAX))
                        .orThrow();
            }
        }
    }
}
