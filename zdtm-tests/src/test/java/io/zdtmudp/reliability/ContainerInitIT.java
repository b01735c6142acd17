package io.zdtmudp.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zdtmudp.harness.cycle.ContainerInit;
import io.zdtmudp.harness.cycle.Readiness;
import io.zdtmudp.harness.cycle.Workload;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.ZdtmVm;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the uns flavor's task is, read from the guest: the init of namespaces of its own, unprivileged
 * outside, in its root with only that root and a proc mounted; and a task that cannot start says which
 * step failed and leaves nothing behind.
 */
@ZdtmVm
class ContainerInitIT {
    private static final List<String> SLEEPER = List.of("/busybox", "sh", "-c", "touch /ready; exec sleep 600");

    /** Its readiness, /ready inside, is the root's ready file outside: the root is its /. */
    @Test
    void theCommandIsAnUnprivilegedInitInItsOwnRoot(Guest guest) {
        String root = rootWithBusybox(guest, "c1");
        Workload init = ContainerInit.start(guest, root, "", Readiness.fileExists(root + "/ready"), SLEEPER);
        String proc = "/proc/" + init.pid();
        try {
            assertThat(guest.run("grep", "^NSpid:", proc + "/status").stdout().split("\\s+"))
                    .as("its pid outside, then 1 inside").endsWith("1");
            assertThat(guest.run("cat", proc + "/uid_map").stdout().strip().split("\\s+"))
                    .as("root inside is uid " + ContainerInit.UID_BASE + " outside")
                    .containsExactly("0", Integer.toString(ContainerInit.UID_BASE), "65536");
            assertThat(guest.run("grep", "^Uid:", proc + "/status").stdout().split("\\s+"))
                    .as("its uids outside").contains(Integer.toString(ContainerInit.UID_BASE));
            for (String ns : List.of("user", "pid", "mnt", "net", "uts", "ipc")) {
                assertThat(guest.run("readlink", proc + "/ns/" + ns).stdout())
                        .as(ns + " namespace").isNotEqualTo(guest.run("readlink", "/proc/self/ns/" + ns).stdout());
            }
            assertThat(guest.run("cat", proc + "/mountinfo").stdout().strip().lines()
                    .map(l -> l.split(" ")[4]).toList()).as("its mounts").containsExactly("/", "/proc");
        } finally {
            guest.exec("kill", "-9", Integer.toString(init.pid()));
        }
    }

    @Test
    void aCommandThatCannotRunNamesTheStepAndLeavesNoTask(Guest guest) {
        String root = rootWithBusybox(guest, "c2");
        assertThatThrownBy(() -> ContainerInit.start(guest, root, "", Readiness.fileExists(root + "/ready"),
                List.of("/missing")))
                .hasMessageContaining("exec /missing").hasMessageContaining("No such file or directory");
        assertThatThrownBy(() -> ContainerInit.start(guest, root, "exit 3", Readiness.fileExists(root + "/ready"),
                SLEEPER))
                .hasMessageContaining("prelude \"exit 3\" ended with status 0x300");
        // the helper and its clone carry the root in their argv until the exec; the bracket keeps grep's own out
        String pattern = root.substring(0, root.length() - 1) + "[" + root.charAt(root.length() - 1) + "]";
        assertThat(guest.exec("sh", "-c", "grep -ls '" + pattern + "' /proc/[0-9]*/cmdline").stdout())
                .as("tasks of the failed starts left").isEmpty();
    }

    private static String rootWithBusybox(Guest guest, String name) {
        String root = guest.workDir() + "/" + name;
        guest.run("mkdir", "-p", root);
        guest.run("cp", "/bin/busybox", root + "/busybox");
        return root;
    }
}
