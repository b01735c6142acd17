package io.zdtmudp.harness.vm;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the tail of a log file that QEMU may still be writing. */
public final class ConsoleLog {
    private static final int MAX_TAIL_BYTES = 256 * 1024;

    private ConsoleLog() {}

    public static String tail(Path file, int lines) {
        if (file == null || !Files.exists(file)) {
            return "(no console log)";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, MAX_TAIL_BYTES);
            byte[] buf = new byte[n];
            f.seek(len - n);
            f.readFully(buf);
            return lastLines(new String(buf, StandardCharsets.UTF_8), lines);
        } catch (IOException e) {
            return "(console log unreadable: " + e.getMessage() + ")";
        }
    }

    static String lastLines(String text, int lines) {
        String t = text.replace("\r", "");
        int end = t.endsWith("\n") ? t.length() - 1 : t.length();
        int start = end;
        for (int i = 0; i < lines && start > 0; i++) {
            start = t.lastIndexOf('\n', start - 1);
            if (start < 0) {
                start = 0;
                break;
            }
        }
        return t.substring(start == 0 ? 0 : start + 1, end);
    }
}
