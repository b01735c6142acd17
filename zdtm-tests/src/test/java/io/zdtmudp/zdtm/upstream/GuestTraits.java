package io.zdtmudp.zdtm.upstream;

import java.util.List;
import java.util.function.Predicate;

/**
 * What the runner adapts to in a guest, as zdtm.py does on its host.
 *
 * @param hasFeature whether {@code criu check --feature X} passes
 * @param hasPath    whether a path exists in the guest (a list entry's {@code needs=})
 * @param arch       {@code uname -m}
 * @param criuOpts   options every dump and restore gets here; {@code --network-lock nftables} when the guest
 *                   has no iptables-restore (CRIU's default lock method needs it; zdtm's CI hosts have it)
 */
record GuestTraits(Predicate<String> hasFeature, Predicate<String> hasPath, String arch, List<String> criuOpts) {
    GuestTraits {
        criuOpts = List.copyOf(criuOpts);
    }

    GuestTraits(Predicate<String> hasFeature, String arch, List<String> criuOpts) {
        this(hasFeature, path -> true, arch, criuOpts);
    }
}
