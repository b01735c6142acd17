package io.zdtmudp.zdtm.upstream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What does not change during one VM's life and is asked for every test: the manifest of built upstream
 * tests, the machine name, CRIU's answers to {@code check --feature}, and each test's .desc.
 */
final class GuestFacts {
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);

    private final Manifest manifest;
    private final String arch;
    private final Optional<Integer> anchor;
    private final List<String> criuOpts;
    private final Map<String, Boolean> features = new ConcurrentHashMap<>();
    private final Map<String, Boolean> paths = new ConcurrentHashMap<>();
    private final Map<String, ZdtmDesc> descs = new ConcurrentHashMap<>();

    private GuestFacts(Manifest manifest, String arch, Optional<Integer> anchor, List<String> criuOpts) {
        this.manifest = manifest;
        this.arch = arch;
        this.anchor = anchor;
        this.criuOpts = List.copyOf(criuOpts);
    }

    static GuestFacts load(ZdtmGuest guest) {
        byte[] manifest = guest.read(Manifest.GUEST_PATH).orElseThrow(() -> new IllegalStateException(
                "the guest image has no " + Manifest.GUEST_PATH + ": it was built without CRIU's zdtm tests"
                        + " (vm-images/zdtm/build.sh); rebuild it with ci/setup"));
        var uname = guest.run(List.of("uname", "-m"), Map.of(), "/", scale(guest, CHECK_TIMEOUT));
        if (!uname.ok()) {
            throw new IllegalStateException("uname -m failed in the guest: " + uname.describe());
        }
        var iptables = guest.sh("command -v iptables-restore", scale(guest, CHECK_TIMEOUT));
        List<String> criuOpts = iptables.ok() ? List.of() : List.of("--network-lock", "nftables");
        return new GuestFacts(Manifest.parse(new String(manifest, StandardCharsets.UTF_8)), uname.stdout().strip(),
                RootfsAnchor.startIfNeeded(guest), criuOpts);
    }

    Manifest manifest() {
        return manifest;
    }

    String arch() {
        return arch;
    }

    /** What a test adapts to in this guest. */
    GuestTraits traits(ZdtmGuest guest) {
        return new GuestTraits(f -> hasFeature(guest, f), p -> hasPath(guest, p), arch, criuOpts);
    }

    boolean hasPath(ZdtmGuest guest, String path) {
        return paths.computeIfAbsent(path, p -> guest.run(List.of("test", "-e", p), Map.of(), "/",
                scale(guest, CHECK_TIMEOUT)).ok());
    }

    /** How a test of this flavor reaches the guest: namespaced flavors go through the rootfs anchor if any. */
    ZdtmGuest guestFor(Flavor flavor, ZdtmGuest guest) {
        return flavor.namespaced() && anchor.isPresent() ? RootfsAnchor.anchored(guest, anchor.get()) : guest;
    }

    boolean hasFeature(ZdtmGuest guest, String feature) {
        return features.computeIfAbsent(feature, f -> guest
                .run(ZdtmCommands.featureCheckArgv(guest.criu(), f), Map.of(), "/", scale(guest, CHECK_TIMEOUT)).ok());
    }

    /** The upstream .desc of a test as the guest image carries it (none: the default). */
    ZdtmDesc desc(ZdtmGuest guest, ListEntry entry) {
        return descs.computeIfAbsent(entry.name(), n -> guest.read(Manifest.GUEST_DIR + "/" + n + ".desc")
                .map(b -> ZdtmDesc.parse(new String(b, StandardCharsets.UTF_8), n + ".desc"))
                .orElse(ZdtmDesc.DEFAULT));
    }

    private static Duration scale(ZdtmGuest guest, Duration d) {
        return Duration.ofMillis((long) Math.ceil(d.toMillis() * guest.slowdown()));
    }
}
