package io.zdtmudp.harness.crit;

import io.zdtmudp.harness.images.ImageJson;
import io.zdtmudp.harness.images.UdpQueueImage;
import java.io.IOException;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** A summary per image, for people: entry counts, and each queued datagram on one line. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Summary JSON: per image its magic, size and entry count; for udp-queue images one line per "
                + "datagram (source -> destination, length, first bytes) and the corked bytes.")
final class ShowCommand extends ImageCommand {
    @Override
    String body(ImageFile image) throws IOException {
        if (image.decode().isEmpty()) {
            return ", \"decoded\": false";
        }
        StringBuilder out = new StringBuilder(", \"entries\": ").append(image.entryCount());
        if (image.isUdpQueue()) {
            UdpQueueImage q = image.queue();
            out.append(", \"socket\": ").append(q.header().getId())
                    .append(", \"bytes_queued\": ").append(q.header().getTotalBytes())
                    .append(", \"datagrams\": [")
                    .append(q.datagrams().stream().map(d -> "\n  " + ImageJson.quote(ImageFile.describe(d)))
                            .collect(Collectors.joining(",")))
                    .append("]");
            q.corkedPayload().ifPresent(c -> out.append(", \"corked\": ").append(ImageJson.quote(c.length + " bytes: "
                    + Printable.preview(c, 32))));
        }
        return out.toString();
    }
}
