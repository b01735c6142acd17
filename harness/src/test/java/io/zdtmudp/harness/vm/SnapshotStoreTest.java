package io.zdtmudp.harness.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
    @TempDir
    Path root;

    private SnapshotStore store;
    private SnapshotKey key;
    private Path console;

    @BeforeEach
    void setUp() throws IOException {
        store = new SnapshotStore(root);
        GuestImage image = new GuestImage(Path.of("/img/bzImage"), Path.of("/img/initrd"), Map.of());
        key = SnapshotKey.of(VmConfig.builder(image).runDir(Path.of("/tmp/zr")).build(), "qemu", "k", "i");
        console = Files.writeString(root.resolve("boot-console.log"), "init: ready\n");
    }

    private VmSnapshot save(String state) throws IOException {
        return store.save(key, f -> Files.writeString(f, state), console);
    }

    @Test
    void aSavedSnapshotIsFoundWithItsStateAndConsole() throws IOException {
        VmSnapshot saved = save("guest ram");
        assertThat(saved.dir()).isEqualTo(root.resolve("snapshot-" + key.hash16()));
        SnapshotStore.Lookup found = store.find(key);
        assertThat(found.snapshot()).hasValueSatisfying(s -> {
            assertThat(s.state()).hasContent("guest ram");
            assertThat(s.console()).hasContent("init: ready");
            assertThat(s.id()).isEqualTo(saved.id());
        });
        try (var files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temp dir left")
                    .containsExactlyInAnyOrder("boot-console.log", "snapshot-" + key.hash16());
        }
    }

    @Test
    void missingSaysSo() {
        assertThat(store.find(key).snapshot()).isEmpty();
        assertThat(store.find(key).whyNot()).contains("no snapshot yet");
    }

    @Test
    void aFlippedByteIsCorruptAndTheSnapshotIsDiscarded() throws IOException {
        VmSnapshot s = save("guest ram");
        try (RandomAccessFile f = new RandomAccessFile(s.state().toFile(), "rw")) {
            f.seek(3);
            f.write('X');
        }
        SnapshotStore.Lookup found = store.find(key);
        assertThat(found.snapshot()).isEmpty();
        assertThat(found.whyNot()).contains("corrupt").contains("CRC32C");
        assertThat(s.dir()).doesNotExist();
    }

    @Test
    void aTruncatedStateIsRefused() throws IOException {
        VmSnapshot s = save("guest ram");
        Files.writeString(s.state(), "guest");
        assertThat(store.find(key).whyNot()).contains("truncated").contains("has 5 bytes, expected 9");
    }

    @Test
    void aSnapshotOfOtherInputsInTheSameDirIsStale() throws IOException {
        VmSnapshot s = save("guest ram");
        SnapshotKey other = new SnapshotKey(key.hash(), "qemu other\n");
        SnapshotStore.Lookup found = store.find(other);
        assertThat(found.snapshot()).isEmpty();
        assertThat(found.whyNot()).contains("stale").contains("qemu other");
        assertThat(s.dir()).doesNotExist();
    }

    @Test
    void aMissingMetaFileIsIncomplete() throws IOException {
        VmSnapshot s = save("guest ram");
        Files.delete(s.meta());
        assertThat(store.find(key).whyNot()).contains("incomplete");
    }

    @Test
    void whenTwoSaveTheFirstStaysAndTheSecondCopyIsDropped() throws IOException {
        VmSnapshot first = save("first");
        VmSnapshot second = save("second");
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(store.find(key).snapshot()).hasValueSatisfying(s -> assertThat(s.state()).hasContent("first"));
        try (var files = Files.list(root)) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("."))).isEmpty();
        }
    }

    @Test
    void discardLeavesASnapshotThatReplacedTheBrokenOne() throws IOException {
        VmSnapshot old = save("old");
        store.discard(old);
        VmSnapshot fresh = save("fresh");
        store.discard(old);
        assertThat(fresh.dir()).exists();
        assertThat(store.find(key).snapshot()).hasValueSatisfying(s -> assertThat(s.id()).isEqualTo(fresh.id()));
    }

    @Test
    void aFailedWriteLeavesNothing() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.save(key, f -> {
            Files.writeString(f, "half");
            throw new IOException("migration failed");
        }, console)).hasMessageContaining("migration failed");
        assertThat(store.find(key).snapshot()).isEmpty();
        assertThat(root.resolve("snapshot-" + key.hash16())).doesNotExist();
    }

    @Test
    void twoWritersAtOnceBothGetTheOneSnapshotThatWon() throws Exception {
        java.util.concurrent.CyclicBarrier bothWritten = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.Callable<VmSnapshot> writer = () -> store.save(key, f -> {
            Files.writeString(f, Thread.currentThread().getName());
            try {
                bothWritten.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException(e);
            }
        }, console);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(writer);
            var b = pool.submit(writer);
            assertThat(a.get().id()).isEqualTo(b.get().id());
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.find(key).snapshot()).isPresent();
        try (var files = Files.list(root)) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("."))).as("the loser's temp dir is gone").isEmpty();
        }
    }
}
