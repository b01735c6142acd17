package io.zdtmudp.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.vm.QemuVm;
import io.zdtmudp.harness.vm.SnapshotKey;
import io.zdtmudp.harness.vm.SnapshotStart;
import io.zdtmudp.harness.vm.SnapshotStore;
import io.zdtmudp.harness.vm.Timeouts;
import io.zdtmudp.harness.vm.VmSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #6: later VMs resume from a snapshot of an idle booted guest, and a UDP queue survives C/R in
 * each; a damaged snapshot costs a cold boot, never a test. Each test has its own snapshot store, and starts
 * its VMs as the harness does, retrying once: QEMU under TCG now and then dies on a start (a SIGSEGV during a
 * cold boot failed one CI run), and that is not what these tests judge.
 */
class SnapshotStartIT {
    @TempDir
    Path cache;

    private final Timeouts timeouts = TestVms.timeouts();
    private SnapshotStore store;
    private SnapshotStart start;
    /** info qtree of the VM that saved the snapshot. */
    private String savedDevices;

    @BeforeEach
    void setUp() {
        store = new SnapshotStore(cache);
        start = new SnapshotStart(store);
    }

    /** Boots cold once, which saves the snapshot; returns it. */
    private VmSnapshot prime() throws java.io.IOException {
        try (QemuVm first = start.startWithRetry(TestVms.config(), timeouts)) {
            assertThat(first.startedFrom()).as("no snapshot yet: a cold boot").isEmpty();
            savedDevices = first.deviceTree();
            TestVms.queueSurvivesCheckpointRestore(first, 1);
            return store.find(start.keyFor(first.config())).snapshot().orElseThrow(() -> new AssertionError(
                    "the cold boot saved no snapshot in " + cache));
        }
    }

    @Test
    void twoVmsFromOneSnapshotEachKeepAUdpQueueThroughCheckpointRestore() throws Exception {
        VmSnapshot snapshot = prime();
        assertThat(Files.size(snapshot.state())).as("guest RAM in use, not all 1 GiB").isBetween(1L << 20, 512L << 20);

        try (QemuVm a = start.startWithRetry(TestVms.config(), timeouts);
                QemuVm b = start.startWithRetry(TestVms.config(), timeouts)) {
            for (QemuVm vm : new QemuVm[] {a, b}) {
                assertThat(vm.startedFrom()).as("resumed from the snapshot").hasValueSatisfying(
                        s -> assertThat(s.dir()).isEqualTo(snapshot.dir()));
                assertThat(vm.deviceTree()).as("the device configuration the snapshot was saved from")
                        .isEqualTo(savedDevices).contains("virtio-9p-pci", "virtserialport", "isa-serial");
                assertThat(vm.consoleTail(400)).as("boot log kept, then the restore marker")
                        .contains("init: ready after").contains("guest restored from " + snapshot.dir());
                long guestNow = Long.parseLong(vm.agent().exec(io.zdtmudp.harness.agent.GuestCommand.of("date", "+%s"))
                        .orThrow().stdout().strip());
                assertThat(Math.abs(guestNow - Instant.now().getEpochSecond())).as("guest clock set from the host").isLessThanOrEqualTo(5);
                System.err.println("zdtm: snapshot start took " + vm.bootTime().toMillis() + " ms");
            }
            TestVms.queueSurvivesCheckpointRestore(a, 2);
            TestVms.queueSurvivesCheckpointRestore(b, 3);
        }
    }

    @Test
    void aCorruptedSnapshotMeansAColdBootAndTheTestStillPasses() throws Exception {
        VmSnapshot snapshot = prime();
        try (RandomAccessFile f = new RandomAccessFile(snapshot.state().toFile(), "rw")) {
            f.seek(f.length() / 2);
            f.write(new byte[4096]);
            f.seek(f.length() / 3);
            f.write("not guest RAM".getBytes(StandardCharsets.US_ASCII));
        }
        String log = captureStderr(() -> {
            try (QemuVm vm = start.startWithRetry(TestVms.config(), timeouts)) {
                assertThat(vm.startedFrom()).as("cold boot").isEmpty();
                TestVms.queueSurvivesCheckpointRestore(vm, 4);
            }
        });
        assertThat(log).as("says why it booted cold").contains("is corrupt").contains("CRC32C");
        VmSnapshot rebuilt = store.find(snapshot.key()).snapshot().orElseThrow(() -> new AssertionError("not rebuilt"));
        assertThat(rebuilt.id()).isNotEqualTo(snapshot.id());
    }

    /** The checksum matches, but QEMU cannot load the stream: the start falls back all the same. */
    @Test
    void aSnapshotQemuCannotLoadIsDiscardedAndReplaced() throws Exception {
        VmSnapshot snapshot = prime();
        byte[] junk = "QEVM junk that is no migration stream".getBytes(StandardCharsets.US_ASCII);
        Files.write(snapshot.state(), junk);
        CRC32C crc = new CRC32C();
        crc.update(junk);
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(snapshot.meta())) {
            meta.load(in);
        }
        meta.setProperty("state.size", Integer.toString(junk.length));
        meta.setProperty("state.crc32c", Long.toHexString(crc.getValue()));
        try (OutputStream out = Files.newOutputStream(snapshot.meta())) {
            meta.store(out, null);
        }
        long t0 = System.nanoTime();
        String log = captureStderr(() -> {
            try (QemuVm vm = start.startWithRetry(TestVms.config(), timeouts)) {
                assertThat(vm.startedFrom()).as("cold boot").isEmpty();
                assertThat(vm.agent().ping()).isPositive();
            }
        });
        assertThat(log).contains("did not start, discarding it and booting cold");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the failed load is not a boot timeout")
                .isLessThan(timeouts.boot().multipliedBy(2));
        SnapshotKey key = snapshot.key();
        assertThat(store.find(key).snapshot()).as("replaced by a good one").hasValueSatisfying(
                s -> assertThat(s.id()).isNotEqualTo(snapshot.id()));
    }

    /** Runs {@code body} with System.err copied into the returned text (the harness logs there). */
    private static String captureStderr(Runnable body) {
        PrintStream old = System.err;
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public synchronized void write(int b) {
                old.write(b);
                copy.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                old.write(b, off, len);
                copy.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(old);
        }
        return copy.toString(StandardCharsets.UTF_8);
    }
}
