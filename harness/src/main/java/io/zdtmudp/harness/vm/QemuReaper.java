package io.zdtmudp.harness.vm;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Kills every QEMU this JVM started when the JVM exits, whatever state the tests left them in. */
final class QemuReaper {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(QemuReaper::killAll, "zdtm-qemu-reaper"));
    }

    private QemuReaper() {}

    static void register(Process p) {
        LIVE.add(p);
    }

    static void unregister(Process p) {
        LIVE.remove(p);
    }

    static void killAll() {
        for (Process p : LIVE) {
            p.destroyForcibly();
        }
    }
}
