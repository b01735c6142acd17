package io.zdtmudp.zdtm.upstream;

import io.zdtmudp.build.RepoScript;
import io.zdtmudp.harness.vm.GuestImage;
import io.zdtmudp.harness.vm.QemuVmFactory;
import io.zdtmudp.harness.vm.Vm;
import io.zdtmudp.harness.vm.VmFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Boots the parity guest (the guest plus what zdtm.py needs): {@code vm-images/zdtm/parity-image} builds it
 * into the cache when needed and names its directory, which then stands for -Dzdtm.images. Selected by the
 * zdtm-parity profile through -Dzdtm.vm.factory.
 */
public final class ParityVmFactory implements VmFactory {
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);

    @Override
    public Vm create(Function<String, Optional<String>> parameters) {
        Path dir = parityImage(parameters.apply(GuestImage.PROPERTY));
        return new QemuVmFactory().create(k -> k.equals(GuestImage.PROPERTY) ? Optional.of(dir.toString())
                : parameters.apply(k));
    }

    private static Path parityImage(Optional<String> baseImages) {
        RepoScript script = RepoScript.find(Path.of(System.getProperty("user.dir")), "vm-images/zdtm/parity-image");
        try {
            return script.runForPath(BUILD_TIMEOUT, baseImages.filter(s -> !s.isBlank()).stream().toArray(String[]::new));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script.path(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the parity image", e);
        }
    }
}
