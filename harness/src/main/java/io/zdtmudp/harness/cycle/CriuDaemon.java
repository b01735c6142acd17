package io.zdtmudp.harness.cycle;

import io.zdtmudp.harness.agent.CallLedger;
import io.zdtmudp.harness.criu.Criu;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.net.IpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A CRIU helper that serves one step of a cycle, as zdtm.py runs them: {@code criu page-server}, which takes
 * a dump's memory pages over TCP and writes them next to the other images, or {@code criu lazy-pages}, which
 * hands a lazy restore its pages on demand, from a network namespace of its own. Either ends with the step it
 * served.
 *
 * <p>The page server listens on the loopback of the test's namespace, where the dump runs: a veth to a
 * namespace of its own would change the dumped task's network while it is frozen, and a server that follows
 * its interfaces over netlink (dnsmasq) would then hold notifications it has not read, which CRIU refuses to
 * dump. A page server on another host changes nothing in the task's namespace either.
 */
final class CriuDaemon implements AutoCloseable {
    private static final int PAGE_SERVER_PORT = 27700;

    private final Guest guest;
    private final String what;
    private final Workload daemon;
    private final String log;
    private final List<String> clientArgs;

    private CriuDaemon(Guest guest, String what, Workload daemon, String log, List<String> clientArgs) {
        this.guest = guest;
        this.what = what;
        this.daemon = daemon;
        this.log = log;
        this.clientArgs = List.copyOf(clientArgs);
    }

    /** A page server writing into {@code imagesDir}, on the test's loopback; returns once it listens. */
    static CriuDaemon pageServer(Guest guest, Criu criu, String imagesDir) {
        return CallLedger.asCriu(() -> startPageServer(guest, criu, imagesDir));
    }

    private static CriuDaemon startPageServer(Guest guest, Criu criu, String imagesDir) {
        guest.run("mkdir", "-p", imagesDir);
        String address = IpFamily.INET.loopback().host();
        String port = Integer.toString(PAGE_SERVER_PORT);
        String log = imagesDir + "/page-server.log";
        Workload w = Workload.spawn(guest, Readiness.tcpPortListening(PAGE_SERVER_PORT), imagesDir + "/page-server.out",
                criu.binary().path(), "page-server", "--images-dir", imagesDir, "--address", address, "--port", port,
                "-o", log, "-v4");
        return new CriuDaemon(guest, "criu page-server", w, log, List.of("--page-server", "--address", address,
                "--port", port));
    }

    /**
     * A lazy-pages daemon for the images in {@code imagesDir}, in a network namespace of its own (it talks to
     * the restore over a unix socket in that directory); returns once the socket is there.
     */
    static CriuDaemon lazyPages(Guest guest, Criu criu, String imagesDir) {
        return CallLedger.asCriu(() -> startLazyPages(guest, criu, imagesDir));
    }

    private static CriuDaemon startLazyPages(Guest guest, Criu criu, String imagesDir) {
        String log = imagesDir + "/lazy-pages.log";
        // a socket left by an earlier restore from these images would pass for this daemon's
        guest.run("rm", "-f", imagesDir + "/lazy-pages.socket");
        List<String> argv = new ArrayList<>(List.of("unshare", "--net", "--", criu.binary().path(), "lazy-pages",
                "--images-dir", imagesDir, "-o", log, "-v4"));
        Workload w = Workload.spawn(guest, Readiness.fileExists(imagesDir + "/lazy-pages.socket"),
                imagesDir + "/lazy-pages.out", argv.toArray(String[]::new));
        return new CriuDaemon(guest, "criu lazy-pages", w, log, List.of("--lazy-pages"));
    }

    /** What the dump (page server) or the restore (lazy pages) takes to use this daemon. */
    List<String> clientArgs() {
        return clientArgs;
    }

    /**
     * After the step it served: the daemon ends once it has handed over every page; an exit other than 0,
     * or none within the guest's call timeout, fails quoting its log.
     */
    void awaitEnd() {
        OptionalInt status = CallLedger.asCriu(() -> guest.agent().waitPid(daemon.pid(), guest.timeouts().call()));
        if (status.isEmpty() || status.getAsInt() != 0) {
            String text = guest.exec("tail", "-n", "20", log).stdout();
            guest.attach(log.substring(log.lastIndexOf('/') + 1), text);
            throw new AssertionError(what + " (pid " + daemon.pid() + ") "
                    + (status.isEmpty() ? "did not end after its step" : "exited with " + status.getAsInt())
                    + "; the end of " + log + ":\n" + text);
        }
    }

    /** Kills the daemon if it still runs. */
    @Override
    public void close() {
        guest.exec("kill", "-9", Integer.toString(daemon.pid()));
    }
}
