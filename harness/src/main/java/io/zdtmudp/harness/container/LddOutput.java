package io.zdtmudp.harness.container;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The shared libraries ldd lists for a binary: what the image needs so the binary loads in an empty root. */
final class LddOutput {
    private LddOutput() {}

    /**
     * @param binary what ldd ran on, for the message when a library is missing
     * @return every library path, the dynamic loader included, in ldd's order
     */
    static List<Path> libraries(String binary, String lddText) {
        List<Path> libs = new ArrayList<>();
        for (String raw : lddText.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("linux-vdso") || line.equals("statically linked")) {
                continue;
            }
            String target = line.contains("=>") ? line.substring(line.indexOf("=>") + 2).strip() : line;
            if (target.startsWith("not found")) {
                throw new IllegalStateException(binary + " needs " + line.substring(0, line.indexOf("=>")).strip()
                        + ", which is not installed: the image would not start");
            }
            int paren = target.indexOf(" (");
            String path = paren < 0 ? target : target.substring(0, paren);
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("unexpected ldd line for " + binary + ": " + raw);
            }
            libs.add(Path.of(path));
        }
        return libs;
    }
}
