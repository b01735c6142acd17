package io.zdtmudp.harness.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The guest build: kernel, initramfs and the build's manifest (vm-images/out/). Found through
 * -Dzdtm.images=DIR, else by walking up from the working directory to a vm-images/out/, whose
 * subdirectory -Dzdtm.kernel=K (vm-images/out/K/, what ZDTM_KERNEL=K vm-images/build publishes)
 * is taken when that property is set; out/ itself is the primary kernel's guest. A path in -Dzdtm.kernel
 * or -Dzdtm.criu is your own kernel or CRIU: its guest is built first ({@link OwnBuild}).
 */
public record GuestImage(Path kernel, Path initrd, Map<String, String> manifest) {
    public static final String PROPERTY = "zdtm.images";
    public static final String KERNEL_PROPERTY = "zdtm.kernel";
    static final String NOT_BUILT = "guest image not built: run ci/setup";

    public GuestImage {
        manifest = Map.copyOf(manifest);
    }

    public static GuestImage locate(String imagesProperty, Path workingDir) {
        return locate(imagesProperty, System.getProperty(KERNEL_PROPERTY), workingDir);
    }

    /** The CRIU property (patched, stock, or the path of your own CRIU tree or binary). */
    static final String CRIU_PROPERTY = "zdtm.criu";

    /** As {@link #locate(String, Path)}, with the kernel given rather than read from -Dzdtm.kernel. */
    public static GuestImage locate(String imagesProperty, String kernel, Path workingDir) {
        if (imagesProperty != null && !imagesProperty.isBlank()) {
            return fromDir(Path.of(imagesProperty));
        }
        Path out = findOut(workingDir).orElseThrow(() -> new IllegalStateException(
                NOT_BUILT + " (no vm-images/out/ above " + workingDir + "; or set -D" + PROPERTY + "=DIR)"));
        String criu = System.getProperty(CRIU_PROPERTY);
        if (OwnBuild.isPath(kernel) || OwnBuild.isPath(criu)) {
            return fromDir(OwnBuild.ensure(out, kernel, criu));
        }
        if (kernel == null || kernel.isBlank()) {
            return fromDir(out);
        }
        if (!kernel.matches("[0-9A-Za-z._-]+") || kernel.startsWith(".")) {
            throw new IllegalArgumentException("-D" + KERNEL_PROPERTY + "=" + kernel
                    + ": not a kernel name such as 7.2 or 6.1, nor the absolute path of your own kernel tree or bzImage");
        }
        return fromDir(out.resolve(kernel));
    }

    public static GuestImage fromDir(Path dir) {
        missingFile(dir).ifPresent(p -> {
            throw new IllegalStateException(NOT_BUILT + " (missing " + p + ")");
        });
        return new GuestImage(dir.resolve("bzImage").toAbsolutePath(), dir.resolve("initramfs.cpio.gz").toAbsolutePath(),
                readManifest(dir.resolve("manifest.env")));
    }

    /** The first file of a guest that {@code dir} lacks (the kernel, then the initramfs), if it lacks one. */
    private static Optional<Path> missingFile(Path dir) {
        return Stream.of(dir.resolve("bzImage"), dir.resolve("initramfs.cpio.gz")).filter(p -> !Files.isReadable(p)).findFirst();
    }

    /**
     * Every guest vm-images/out/ above {@code workingDir} publishes (out/ itself and each out/K/), for what
     * their manifests say of how they were built; none when nothing was built.
     */
    public static List<GuestImage> published(Path workingDir) {
        Optional<Path> out = findOut(workingDir);
        if (out.isEmpty()) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(out.get())) {
            return Stream.concat(Stream.of(out.get()), dirs.filter(Files::isDirectory).sorted())
                    .filter(d -> missingFile(d).isEmpty()).map(GuestImage::fromDir).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + out.get(), e);
        }
    }

    static Optional<Path> findOut(Path start) {
        for (Path d = start.toAbsolutePath(); d != null; d = d.getParent()) {
            Path out = d.resolve("vm-images").resolve("out");
            if (Files.isDirectory(out)) {
                return Optional.of(out);
            }
        }
        return Optional.empty();
    }

    static Map<String, String> readManifest(Path file) {
        if (!Files.isReadable(file)) {
            return Map.of();
        }
        try {
            return EnvFile.parse(Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /**
     * Whether the kernel rewrites its own text while it runs (jump labels, from the manifest's
     * KERNEL_JUMP_LABEL). Debian's kernels do, ours are built without.
     */
    public boolean patchesOwnText() {
        return "yes".equals(manifest.get("KERNEL_JUMP_LABEL"));
    }

    /** Identifies this kernel for caches (the manifest's KERNEL_HASH, else size and mtime of the file). */
    public String kernelKey() {
        String h = manifest.get("KERNEL_HASH");
        if (h != null) {
            return h;
        }
        try {
            return Files.size(kernel) + "-" + Files.getLastModifiedTime(kernel).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
