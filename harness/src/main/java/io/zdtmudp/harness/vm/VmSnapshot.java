package io.zdtmudp.harness.vm;

import java.nio.file.Path;

/**
 * A saved idle guest in the cache: QEMU's migration stream of the running guest, the console up to
 * the moment it was saved, and what it was saved from.
 *
 * @param id unique per saved snapshot, so a JVM discards only the snapshot it found broken and not a
 *     fresh one another JVM has put in its place meanwhile
 */
public record VmSnapshot(Path dir, SnapshotKey key, String id) {
    static final String STATE = "vm.state";
    static final String CONSOLE = "console.log";
    static final String META = "snapshot.properties";

    public Path state() {
        return dir.resolve(STATE);
    }

    public Path console() {
        return dir.resolve(CONSOLE);
    }

    public Path meta() {
        return dir.resolve(META);
    }
}
