package io.zdtmudp.harness.images;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.zdtmudp.harness.images.proto.CriuImageProto.CoreEntry;
import io.zdtmudp.harness.images.proto.CriuImageProto.FdinfoEntry;
import io.zdtmudp.harness.images.proto.CriuImageProto.FileEntry;
import io.zdtmudp.harness.images.proto.CriuImageProto.InventoryEntry;
import io.zdtmudp.harness.images.proto.CriuImageProto.PstreeEntry;
import io.zdtmudp.harness.images.proto.CriuImageProto.TaskKobjIdsEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Renders every image of a dump directory that the harness knows as JSON, and
 * names the others, for failure reports: a reader of the report sees what CRIU
 * saved without re-running anything. A corrupt image is reported in place, it
 * never hides the rest.
 */
public final class ImageJsonDump {
    private static final Map<String, Function<ImageReader, String>> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("inventory.img", plain(InventoryEntry.parser()));
        KINDS.put("pstree.img", plain(PstreeEntry.parser()));
        KINDS.put("files.img", plain(FileEntry.parser()));
        KINDS.put("core-", plain(CoreEntry.parser()));
        KINDS.put("ids-", plain(TaskKobjIdsEntry.parser()));
        KINDS.put("fdinfo-", plain(FdinfoEntry.parser()));
        KINDS.put(UdpQueueImage.FILE_PREFIX, UdpQueueImage::json);
    }

    private ImageJsonDump() {
    }

    /** One JSON object: image name to its entries, or to {"error": ...} / {"skipped": ...}. */
    public static String render(CriuImages images) {
        StringBuilder out = new StringBuilder("{");
        String sep = "\n";
        for (String name : images.imageNames()) {
            out.append(sep).append("  ").append(ImageJson.quote(name)).append(": ").append(renderOne(images.directory().resolve(name)));
            sep = ",\n";
        }
        return out.append("\n}\n").toString();
    }

    /** One image as JSON. */
    public static String renderOne(Path file) {
        try {
            return decode(file).orElse("{\"skipped\": \"not decoded by the harness\"}");
        } catch (CorruptImageException | IOException e) {
            return "{\"error\": " + ImageJson.quote(e.getMessage()) + "}";
        }
    }

    /**
     * One image as JSON, or empty when the harness does not know its kind; a corrupt image throws,
     * for callers (zdtm-crit) that must fail on it rather than report it in place.
     */
    public static Optional<String> decode(Path file) throws IOException {
        String name = file.getFileName().toString();
        Optional<Function<ImageReader, String>> kind = KINDS.entrySet().stream()
                .filter(e -> name.equals(e.getKey()) || e.getKey().endsWith("-") && name.startsWith(e.getKey()))
                .map(Map.Entry::getValue).findFirst();
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(kind.get().apply(ImageReader.open(file)));
    }

    private static <T extends Message> Function<ImageReader, String> plain(Parser<T> parser) {
        return r -> {
            StringBuilder out = new StringBuilder("[");
            String sep = "";
            while (r.hasMore()) {
                long at = r.position();
                byte[] msg = r.nextMessage();
                try {
                    out.append(sep).append(ImageJson.message(parser.parseFrom(msg)));
                } catch (InvalidProtocolBufferException e) {
                    throw new CorruptImageException(r.file(), at, "entry does not decode", e);
                }
                sep = ", ";
            }
            return out.append("]").toString();
        };
    }
}
