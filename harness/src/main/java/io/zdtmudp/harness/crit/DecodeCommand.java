package io.zdtmudp.harness.crit;

import java.io.IOException;
import java.util.Optional;
import picocli.CommandLine.Command;

/** Every entry of every image the harness knows, in full; the others by magic and size only. */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Full JSON: every entry of each image (udp-queue images: header, each datagram's entry, "
                + "source, destination and payload in hex). Images the harness does not decode are listed with "
                + "magic and size and \"decoded\": false.")
final class DecodeCommand extends ImageCommand {
    @Override
    String body(ImageFile image) throws IOException {
        Optional<String> entries = image.decode();
        return entries.map(e -> ", \"entries\": " + e).orElse(", \"decoded\": false");
    }
}
