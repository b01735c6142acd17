package io.zdtmudp.zdtm.upstream;

import io.zdtmudp.harness.junit.QemuVmFactory;
import io.zdtmudp.harness.junit.VmFactory;
import io.zdtmudp.harness.vm.GuestImage;
import io.zdtmudp.harness.vm.Vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Boots the parity guest (the guest plus what zdtm.py needs): {@code vm-images/zdtm/parity-image} builds it
 * into the cache when needed and names its directory, which then stands for -Dzdtm.images. Selected by the
 * zdtm-parity profile through -Dzdtm.vm.factory.
 */
public final class ParityVmFactory implements VmFactory {
    private static final long BUILD_TIMEOUT_MINUTES = 20;

    @Override
    public Vm create(Function<String, Optional<String>> parameters) {
        Path dir = parityImage(parameters.apply(GuestImage.PROPERTY));
        return new QemuVmFactory().create(k -> k.equals(GuestImage.PROPERTY) ? Optional.of(dir.toString())
                : parameters.apply(k));
    }

    private static Path parityImage(Optional<String> baseImages) {
        Path script = findScript(Path.of(System.getProperty("user.dir")));
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString());
        baseImages.filter(s -> !s.isBlank()).ifPresent(s -> pb.command().add(s));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(script + " did not finish within " + BUILD_TIMEOUT_MINUTES + " min");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(script + " failed (exit " + p.exitValue() + "); see its output above");
            }
            String lines = new String(out, StandardCharsets.UTF_8).strip();
            return Path.of(lines.substring(lines.lastIndexOf('\n') + 1));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the parity image", e);
        }
    }

    private static Path findScript(Path start) {
        for (Path d = start.toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("vm-images").resolve("zdtm").resolve("parity-image");
            if (Files.isRegularFile(s)) {
                return s;
            }
        }
        throw new IllegalStateException("no vm-images/zdtm/parity-image above " + start);
    }
}
