package io.zdtmudp.harness.images;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.zdtmudp.harness.images.proto.CriuImageProto.CoreEntry;
import io.zdtmudp.harness.images.proto.CriuImageProto.FdinfoEntry;
import io.zdtmudp.harness.images.proto.CriuImageProto.FileEntry;
import io.zdtmudp.harness.images.proto.CriuImageProto.InetSkEntry;
import io.zdtmudp.harness.images.proto.CriuImageProto.InventoryEntry;
import io.zdtmudp.harness.images.proto.CriuImageProto.PstreeEntry;
import io.zdtmudp.harness.images.proto.CriuImageProto.TaskKobjIdsEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A directory of images written by {@code criu dump}, read on the host: the
 * process tree, each task's fds, and the inet sockets behind them, so a case
 * can go from "pid 42, fd 3" to what CRIU saved for that socket.
 */
public final class CriuImages {
    private final Path dir;

    private CriuImages(Path dir) {
        this.dir = dir;
    }

    public static CriuImages open(Path dir) {
        if (!Files.isRegularFile(dir.resolve("inventory.img"))) {
            throw new IllegalArgumentException(dir + " holds no CRIU dump (no inventory.img)");
        }
        return new CriuImages(dir);
    }

    public Path directory() {
        return dir;
    }

    public InventoryEntry inventory() {
        return single("inventory.img", InventoryEntry.parser());
    }

    public List<PstreeEntry> pstree() {
        return entries("pstree.img", PstreeEntry.parser());
    }

    /** Every file CRIU saved, whatever its type. */
    public List<FileEntry> files() {
        return entries("files.img", FileEntry.parser());
    }

    public List<InetSkEntry> inetSockets() {
        return files().stream().filter(FileEntry::hasIsk).map(FileEntry::getIsk).toList();
    }

    /** The fds of task {@code pid}. */
    public List<FdinfoEntry> fds(int pid) {
        return entries("fdinfo-" + ids(pid).getFilesId() + ".img", FdinfoEntry.parser());
    }

    /** The inet socket behind fd {@code fd} of task {@code pid}, if it is one. */
    public Optional<InetSkEntry> inetSocket(int pid, int fd) {
        Optional<Integer> fileId = fds(pid).stream().filter(f -> f.getFd() == fd).map(FdinfoEntry::getId).findFirst();
        return fileId.flatMap(id -> files().stream().filter(f -> f.getId() == id && f.hasIsk())
                .map(FileEntry::getIsk).findFirst());
    }

    private TaskKobjIdsEntry ids(int pid) {
        Path core = dir.resolve("core-" + pid + ".img");
        if (Files.exists(core)) {
            CoreEntry c = single(core.getFileName().toString(), CoreEntry.parser());
            if (c.hasIds()) {
                return c.getIds();
            }
        }
        return single("ids-" + pid + ".img", TaskKobjIdsEntry.parser());
    }

    /** The image file names of this dump, sorted. */
    public List<String> imageNames() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".img")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    <T extends Message> List<T> entries(String name, Parser<T> parser) {
        Path file = dir.resolve(name);
        try {
            ImageReader r = ImageReader.open(file);
            List<T> out = new ArrayList<>();
            while (r.hasMore()) {
                long at = r.position();
                byte[] msg = r.nextMessage();
                try {
                    out.add(parser.parseFrom(msg));
                } catch (InvalidProtocolBufferException e) {
                    throw new CorruptImageException(file, at, "entry does not decode: " + e.getMessage(), e);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private <T extends Message> T single(String name, Parser<T> parser) {
        List<T> all = entries(name, parser);
        if (all.size() != 1) {
            throw new CorruptImageException(dir.resolve(name), 8, "expected one entry, found " + all.size());
        }
        return all.get(0);
    }
}
