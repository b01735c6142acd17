package io.zdtmudp.harness.cycle;

import java.util.List;

/**
 * A launcher that runs its command where pivot_root(2) works. The guest's / is the initramfs itself (rootfs),
 * which pivot_root refuses to move away from (EINVAL), and CRIU pivots into the root it restores a mount
 * namespace in. So the command runs in a private mount namespace in which a recursive bind of / is moved over
 * / and chrooted into, as switch_root does: the same files at the same paths, on a root that has a parent.
 * It execs in place, so the command's exit status is the launcher's. On a guest with a real root filesystem
 * it changes nothing the command sees.
 */
public final class RootfsEscape {
    /** Where, in the launcher's own mount namespace, / is bound before it moves over /. */
    static final String BIND_DIR = "/mnt/zdtm-rootfs-escape";

    private RootfsEscape() {
    }

    /** The launcher's argv, to which the command's argv is appended. */
    public static List<String> launcher() {
        String script = "mkdir -p " + BIND_DIR + " && mount --rbind / " + BIND_DIR + " && cd " + BIND_DIR
                + " && mount --move . / && exec chroot . \"$@\"";
        return List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", script, "rootfs-escape");
    }
}
