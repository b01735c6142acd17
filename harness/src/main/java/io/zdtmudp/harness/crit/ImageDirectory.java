package io.zdtmudp.harness.crit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What the user pointed zdtm-crit at: a dump directory (every *.img in it, sorted) or one image file. */
final class ImageDirectory {
    private ImageDirectory() {
    }

    static List<ImageFile> open(Path target) throws IOException {
        if (!Files.exists(target)) {
            throw new CritInputException("no such file or directory: " + target);
        }
        List<Path> paths = new ArrayList<>();
        if (Files.isDirectory(target)) {
            try (Stream<Path> s = Files.list(target)) {
                s.filter(Files::isRegularFile).sorted().forEach(paths::add);
            }
        } else {
            paths.add(target);
        }
        List<ImageFile> out = new ArrayList<>();
        for (Path p : paths) {
            ImageFile f = ImageFile.inspect(p);
            // stats-dump and stats-restore are images without the suffix; logs and the like are not.
            if (!Files.isDirectory(target) || p.getFileName().toString().endsWith(".img") || f.magic().isPresent()) {
                out.add(f);
            }
        }
        if (out.isEmpty()) {
            throw new CritInputException(target + " holds no CRIU images (no *.img files)");
        }
        return out;
    }
}
