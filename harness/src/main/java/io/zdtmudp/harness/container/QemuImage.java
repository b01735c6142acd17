package io.zdtmudp.harness.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The local QEMU image, built once per recipe from host files through a FROM-scratch Dockerfile and kept
 * under a tag that hashes its inputs ({@link ImageKey}); later runs find the tag and build nothing.
 */
public final class QemuImage {
    static final String DOCKERFILE_RESOURCE = "Dockerfile";
    static final String LABEL_RECIPE = "io.zdtmudp.recipe";

    private QemuImage() {}

    /** What was resolved: the image name, whether it was built now, how long that took and its size. */
    public record Resolved(String name, boolean built, Duration buildTime, long sizeBytes) {}

    public static Resolved ensure(DockerClient docker, RootfsRecipe recipe) {
        String dockerfile = dockerfile();
        ImageKey key = ImageKey.of(recipe, dockerfile);
        String name = key.imageName();
        if (exists(docker, name)) {
            return new Resolved(name, false, Duration.ZERO, size(docker, name));
        }
        long t0 = System.nanoTime();
        // withFileFromString: with no Dockerfile path, Testcontainers pre-pulls no base image (and scratch is none).
        ImageFromDockerfile build = new ImageFromDockerfile(name, false)
                .withFileFromString("Dockerfile", dockerfile)
                .withBuildImageCmdModifier(cmd -> cmd.withPull(false).withLabels(Map.of(LABEL_RECIPE, key.hash())));
        recipe.files().forEach((imagePath, hostFile) -> build.withFileFromPath("rootfs" + imagePath, hostFile));
        build.get();
        return new Resolved(name, true, Duration.ofNanos(System.nanoTime() - t0), size(docker, name));
    }

    static String dockerfile() {
        try (InputStream in = QemuImage.class.getResourceAsStream(DOCKERFILE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("harness jar lacks " + DOCKERFILE_RESOURCE + " next to " + QemuImage.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean exists(DockerClient docker, String name) {
        try {
            docker.inspectImageCmd(name).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static long size(DockerClient docker, String name) {
        Long size = docker.inspectImageCmd(name).exec().getSize();
        return size == null ? -1 : size;
    }
}
