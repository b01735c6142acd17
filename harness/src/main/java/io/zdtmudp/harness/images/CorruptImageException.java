package io.zdtmudp.harness.images;

import java.nio.file.Path;

/** An image file that does not parse: says which file, where, and why. */
public final class CorruptImageException extends RuntimeException {
    public CorruptImageException(Path file, long offset, String why) {
        super(file + " at byte " + offset + ": " + why);
    }

    public CorruptImageException(Path file, long offset, String why, Throwable cause) {
        super(file + " at byte " + offset + ": " + why, cause);
    }
}
