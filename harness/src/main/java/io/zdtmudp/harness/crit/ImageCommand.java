package io.zdtmudp.harness.crit;

import io.zdtmudp.harness.images.CorruptImageException;
import io.zdtmudp.harness.images.ImageJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What show and decode share: one JSON object per image, in file order. A corrupt image is written
 * in place as {"error": ...} so the others still print, and then fails the command.
 */
abstract class ImageCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<image-dir|image-file>", description = "a CRIU dump directory or one image file")
    Path target;

    @Spec
    CommandSpec spec;

    /** The fields after file, size and magic, each line starting with ", "; throws if the image is corrupt. */
    abstract String body(ImageFile image) throws IOException;

    @Override
    public Integer call() throws IOException {
        List<ImageFile> images = ImageDirectory.open(target);
        PrintWriter out = spec.commandLine().getOut();
        List<String> errors = new ArrayList<>();
        out.print("{\"source\": " + ImageJson.quote(target.toString()) + ", \"bytes\": \"hex\", \"images\": [");
        String sep = "\n";
        for (ImageFile image : images) {
            String head = "{\"file\": " + ImageJson.quote(image.name()) + ", \"size\": " + image.size()
                    + ", \"magic\": " + ImageJson.quote(image.magicText());
            String rest;
            try {
                rest = body(image);
            } catch (CorruptImageException e) {
                errors.add(e.getMessage());
                rest = ", \"error\": " + ImageJson.quote(e.getMessage());
            }
            out.print(sep + head + rest + "}");
            sep = ",\n";
        }
        out.println("\n]}");
        out.flush();
        for (String e : errors) {
            spec.commandLine().getErr().println("zdtm-crit: corrupt image: " + e);
        }
        return errors.isEmpty() ? Crit.OK : Crit.CORRUPT;
    }
}
