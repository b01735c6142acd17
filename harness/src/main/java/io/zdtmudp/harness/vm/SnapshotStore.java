package io.zdtmudp.harness.vm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Snapshots in {@code <root>/snapshot-<hash16>/}. A snapshot is written into a temp dir and renamed
 * into place whole, so a reader never sees half of one, and when two JVMs race the first rename wins
 * and the other drops its copy. Every file is checked before use: the key's inputs, the state's size
 * and its CRC32C (a flipped byte in guest RAM would load fine and break the guest later).
 */
public final class SnapshotStore {
    /** Temp and discarded dirs older than this belong to a JVM that died mid-write. */
    private static final Duration LEFTOVER_AGE = Duration.ofHours(1);
    /** Snapshots of other inputs (an older kernel, another worktree's init) unused this long go. */
    private static final Duration UNUSED_AGE = Duration.ofDays(7);

    private final Path root;

    public SnapshotStore(Path root) {
        this.root = root.toAbsolutePath();
    }

    /** The store in the cache ({@link CacheDir}). */
    public static SnapshotStore inCache() {
        return new SnapshotStore(CacheDir.resolve());
    }

    public Path root() {
        return root;
    }

    public Path dirFor(SnapshotKey key) {
        return root.resolve("snapshot-" + key.hash16());
    }

    /** A usable snapshot, or why there is none. */
    public record Lookup(Optional<VmSnapshot> snapshot, String whyNot) {}

    public Lookup find(SnapshotKey key) {
        Path dir = dirFor(key);
        if (!Files.isDirectory(dir)) {
            return none("no snapshot yet at " + dir);
        }
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(VmSnapshot.META))) {
            meta.load(in);
        } catch (IOException e) {
            return found(new VmSnapshot(dir, key, ""), "snapshot " + dir + " is incomplete: " + VmSnapshot.META
                    + " unreadable (" + e.getMessage() + ")");
        }
        VmSnapshot snapshot = new VmSnapshot(dir, key, meta.getProperty("id", ""));
        if (!key.description().equals(meta.getProperty("key"))) {
            return found(snapshot, "snapshot " + dir + " is stale: saved from other inputs:\n" + meta.getProperty("key")
                    + "now:\n" + key.description());
        }
        try {
            long size = Files.size(snapshot.state());
            String expected = meta.getProperty("state.size", "?");
            if (!Long.toString(size).equals(expected)) {
                return found(snapshot, "snapshot " + dir + " is truncated: " + VmSnapshot.STATE + " has " + size
                        + " bytes, expected " + expected);
            }
            String crc = crc32c(snapshot.state());
            if (!crc.equals(meta.getProperty("state.crc32c"))) {
                return found(snapshot, "snapshot " + dir + " is corrupt: " + VmSnapshot.STATE + " CRC32C " + crc
                        + ", expected " + meta.getProperty("state.crc32c"));
            }
            Files.setLastModifiedTime(snapshot.meta(), FileTime.from(Instant.now()));
        } catch (IOException e) {
            return found(snapshot, "snapshot " + dir + " is unreadable: " + e.getMessage());
        }
        return new Lookup(Optional.of(snapshot), "");
    }

    /** The snapshot is broken: discard it (when still the same one) and say why. */
    private Lookup found(VmSnapshot broken, String why) {
        discard(broken);
        return none(why);
    }

    private static Lookup none(String why) {
        return new Lookup(Optional.empty(), why);
    }

    /** Something that writes a guest's state to a file (QEMU's outgoing migration). */
    @FunctionalInterface
    public interface StateWriter {
        void writeTo(Path stateFile) throws IOException;
    }

    /**
     * Saves a snapshot under {@code key}: {@code writer} fills the state file, {@code console} is the
     * guest console so far. Returns the snapshot in place afterwards, which is another JVM's when it
     * won the race.
     */
    public VmSnapshot save(SnapshotKey key, StateWriter writer, Path console) throws IOException {
        Files.createDirectories(root);
        removeLeftovers();
        Path tmp = Files.createTempDirectory(root, ".snapshot-" + key.hash16() + ".tmp-");
        try {
            writer.writeTo(tmp.resolve(VmSnapshot.STATE));
            if (Files.exists(console)) {
                Files.copy(console, tmp.resolve(VmSnapshot.CONSOLE));
            } else {
                Files.writeString(tmp.resolve(VmSnapshot.CONSOLE), "");
            }
            Properties meta = new Properties();
            String id = UUID.randomUUID().toString();
            meta.setProperty("id", id);
            meta.setProperty("key", key.description());
            meta.setProperty("state.size", Long.toString(Files.size(tmp.resolve(VmSnapshot.STATE))));
            meta.setProperty("state.crc32c", crc32c(tmp.resolve(VmSnapshot.STATE)));
            meta.setProperty("created", Instant.now().toString());
            try (OutputStream out = Files.newOutputStream(tmp.resolve(VmSnapshot.META))) {
                meta.store(out, "zdtm-udp VM snapshot; key = the inputs it was saved from");
            }
            Path dir = dirFor(key);
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                return new VmSnapshot(dir, key, id);
            } catch (IOException lost) {
                if (!Files.isDirectory(dir)) {
                    throw lost;
                }
                deleteTree(tmp);
                return new VmSnapshot(dir, key, readId(dir));
            }
        } finally {
            deleteTree(tmp);
        }
    }

    /** Removes the snapshot if it is still the one found (same id); other JVMs then save a new one. */
    public void discard(VmSnapshot snapshot) {
        if (!snapshot.id().equals(readId(snapshot.dir()))) {
            return;
        }
        Path gone = root.resolve(".discard-" + snapshot.dir().getFileName() + "-" + UUID.randomUUID());
        try {
            Files.move(snapshot.dir(), gone, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            return; // another JVM moved it first
        }
        deleteTree(gone);
    }

    private static String readId(Path dir) {
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(VmSnapshot.META))) {
            meta.load(in);
        } catch (IOException e) {
            return "";
        }
        return meta.getProperty("id", "");
    }

    static String crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf.clear()) > 0) {
                crc.update(buf.flip());
            }
        }
        return Long.toHexString(crc.getValue());
    }

    /** Temp dirs of dead writers, discarded dirs, and snapshots nobody loaded for a week. */
    private void removeLeftovers() {
        Instant now = Instant.now();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.toList()) {
                String name = d.getFileName().toString();
                if ((name.startsWith(".snapshot-") || name.startsWith(".discard-")) && olderThan(d, now, LEFTOVER_AGE)) {
                    deleteTree(d);
                } else if (name.startsWith("snapshot-") && olderThan(d.resolve(VmSnapshot.META), now, UNUSED_AGE)) {
                    discard(new VmSnapshot(d, null, readId(d)));
                }
            }
        } catch (IOException ignored) {
            // leftovers only cost disk space
        }
    }

    private static boolean olderThan(Path p, Instant now, Duration age) {
        try {
            return Files.getLastModifiedTime(p).toInstant().isBefore(now.minus(age));
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a leftover is removed by the next save
        }
    }
}
