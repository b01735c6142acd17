package io.zdtmudp.harness.cycle;

import io.zdtmudp.harness.guest.Guest;
import java.util.List;

/**
 * Which of a task's namespaces are its own rather than the test's: each changes how CRIU must treat it. A
 * network namespace of its own is locked during the restore; the init of a pid namespace of its own gets its
 * pid back inside only; a user namespace of its own opens what it opens unprivileged.
 *
 * @param network a network namespace other than the test's
 * @param pid a pid namespace other than the guest's
 * @param user a user namespace other than the guest's
 */
record TaskNamespaces(boolean network, boolean pid, boolean user) {
    /** Reads them for {@code pid}, with one command (stat runs in the test's namespaces). */
    static TaskNamespaces of(Guest guest, int pid) {
        String task = "/proc/" + pid + "/ns/";
        List<String> inodes = guest.exec("stat", "-L", "-c", "%i", task + "net", guest.netns(), task + "pid",
                "/proc/self/ns/pid", task + "user", "/proc/self/ns/user").stdout().strip().lines().toList();
        if (inodes.size() != 6) {
            throw new IllegalStateException("cannot read the namespaces of task " + pid + " or of the test ("
                    + guest.netns() + "): " + inodes);
        }
        return new TaskNamespaces(!inodes.get(0).equals(inodes.get(1)), !inodes.get(2).equals(inodes.get(3)),
                !inodes.get(4).equals(inodes.get(5)));
    }
}
