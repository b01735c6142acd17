package io.zdtmudp.zdtm.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ZdtmCommandsTest {
    private static final ListEntry UDP = new ListEntry("static/socket_udp", Set.of(), Optional.empty());
    private static final CaseLayout LAYOUT = new CaseLayout("/tmp/zdtm/7/", "socket_udp");

    private static ZdtmCommands cmds(String desc, Flavor flavor, List<String> extra) {
        return new ZdtmCommands(UDP, ZdtmDesc.parse(desc, "t.desc"), flavor, LAYOUT, extra, "/usr/sbin/criu", List.of(), 10);
    }

    @Test
    void layoutFollowsZdtm() {
        assertThat(LAYOUT.work()).isEqualTo("/tmp/zdtm/7");
        assertThat(LAYOUT.testDir()).isEqualTo("/tmp/zdtm/7/root/static");
        assertThat(LAYOUT.pidFile()).isEqualTo("/tmp/zdtm/7/root/static/socket_udp.pid");
        assertThat(LAYOUT.outInProgress()).isEqualTo("/tmp/zdtm/7/root/static/socket_udp.out.inprogress");
        assertThat(LAYOUT.outNs()).isEqualTo("/tmp/zdtm/7/root/static/socket_udp.outns");
        assertThat(LAYOUT.imagesDir(2)).isEqualTo("/tmp/zdtm/7/dump/2");
    }

    @Test
    void hostFlavorStartsUnprivilegedInItsOwnDirectory() {
        ZdtmCommands c = cmds("", Flavor.H, List.of("--filename=socket_udp.test"));
        assertThat(c.startArgv()).containsExactly("./socket_udp", "--pidfile=socket_udp.pid",
                "--outfile=socket_udp.out", "--filename=socket_udp.test");
        assertThat(c.startEnv()).containsEntry("ZDTM_UID", "18943").containsEntry("ZDTM_GID", "58467")
                .containsEntry("ZDTM_GROUPS", "27495 48244").doesNotContainKeys("ZDTM_NEWNS", "ZDTM_ROOT");
        assertThat(c.testTimeout().toSeconds()).isEqualTo(300);
    }

    @Test
    void suidTestsKeepRoot() {
        assertThat(cmds("{'flags': 'suid'}", Flavor.H, List.of()).startEnv()).doesNotContainKeys("ZDTM_UID",
                "ZDTM_GID", "ZDTM_GROUPS");
    }

    @Test
    void namespacedFlavorsAskTheLibForNamespacesAndARoot() {
        ZdtmCommands ns = cmds("", Flavor.NS, List.of());
        assertThat(ns.startEnv()).containsEntry("ZDTM_NEWNS", "1").containsEntry("ZDTM_ROOT", "/tmp/zdtm/7/root")
                .containsEntry("ZDTM_DEV", "/tmp/zdtm/7/dev").containsKey("PATH").doesNotContainKey("ZDTM_USERNS");
        assertThat(cmds("", Flavor.UNS, List.of()).startEnv()).containsEntry("ZDTM_USERNS", "1");
    }

    @Test
    void dumpAndRestoreCarryZdtmOptions() {
        ZdtmCommands c = cmds("{'opts': '--tcp-established', 'dopts': '--d', 'ropts': '--r'}", Flavor.NS, List.of());
        assertThat(c.dumpArgv("dump", 1, "42", Optional.empty())).containsExactly("/usr/sbin/criu", "dump",
                "--no-default-config", "--log-file", "dump.log", "--images-dir", "/tmp/zdtm/7/dump/1",
                "--verbosity=4", "--tree", "42", "--tcp-established", "--pidfile",
                "/tmp/zdtm/7/root/static/socket_udp.pid", "--root", "/tmp/zdtm/7/root", "--d", "--external",
                "mnt[/dev]:ZDTM_DEV", "--timeout", "100");
        assertThat(c.restoreArgv(1)).containsExactly("/usr/sbin/criu", "restore", "--no-default-config",
                "--log-file", "restore.log", "--images-dir", "/tmp/zdtm/7/dump/1", "--verbosity=4",
                "--tcp-established", "--pidfile", "/tmp/zdtm/7/root/static/socket_udp.pid", "--root",
                "/tmp/zdtm/7/root", "--r", "--external", "mnt[ZDTM_DEV]:/tmp/zdtm/7/dev", "--restore-detached");
        assertThat(c.logFile("restore", 1)).isEqualTo("/tmp/zdtm/7/dump/1/restore.log");
    }

    @Test
    void criuFindsGnuTarFirst() {
        assertThat(ZdtmCommands.criuEnv().get("PATH")).startsWith("/opt/zdtm/upstream/bin:").endsWith(":/bin");
    }

    @Test
    void guestOptionsComeFirst() {
        ZdtmCommands c = new ZdtmCommands(UDP, ZdtmDesc.DEFAULT, Flavor.NS, LAYOUT, List.of(), "criu",
                List.of("--network-lock", "nftables"), 1);
        assertThat(c.dumpArgv("dump", 1, "1", Optional.empty())).containsSubsequence("--tree", "1", "--network-lock",
                "nftables", "--pidfile");
        assertThat(c.restoreArgv(1)).containsSubsequence("--network-lock", "nftables", "--pidfile");
    }

    @Test
    void hostFlavorHasNoRootAndADumpAfterPreDumpsTracksMemory() {
        ZdtmCommands c = cmds("", Flavor.H, List.of());
        List<String> dump = c.dumpArgv("dump", 3, "42", Optional.of(2));
        assertThat(dump).doesNotContain("--root", "--external").containsSubsequence("--prev-images-dir", "../2",
                "--track-mem");
        assertThat(c.dumpArgv("pre-dump", 1, "42", Optional.empty())).contains("pre-dump", "pre-dump.log")
                .doesNotContain("--prev-images-dir");
    }

    @Test
    void scriptsQuoteAndBuildTheNamespacedRoot() {
        assertThat(GuestScripts.q("a'b")).isEqualTo("'a'\\''b'");
        String ns = GuestScripts.prepare(LAYOUT, "socket_udp", Flavor.NS);
        assertThat(ns).contains("mount --bind '/tmp/zdtm/7/root' '/tmp/zdtm/7/root'")
                .contains("mount -t tmpfs zdtm-dev '/tmp/zdtm/7/dev'").contains("/opt/zdtm/upstream/libs/.")
                .contains("mknod -m 0666 '/tmp/zdtm/7/dev/null' c 1 3");
        String h = GuestScripts.prepare(LAYOUT, "socket_udp", Flavor.H);
        assertThat(h).doesNotContain("mount").contains("cp '/opt/zdtm/upstream/static/socket_udp'");
        assertThat(GuestScripts.cleanup(LAYOUT, List.of("5", "9"))).contains("kill -9 '5'").contains("kill -9 '9'")
                .contains("umount -l '/tmp/zdtm/7/root'");
    }

    @Test
    void rootfsAnchorOnlyWhereRootIsTheInitramfs() {
        String initramfs = "1 1 0:2 / / rw - rootfs rootfs rw\n22 1 0:20 / /proc rw - proc proc rw\n";
        String disk = "63 43 254:0 / / rw,relatime - ext4 /dev/vda rw\n65 63 0:21 / /proc rw - proc proc rw\n";
        assertThat(RootfsAnchor.rootIsRootfs(initramfs)).isTrue();
        assertThat(RootfsAnchor.rootIsRootfs(disk)).isFalse();
        assertThat(RootfsAnchor.wrap(7, "/tmp/x", List.of("criu", "dump"))).containsExactly("nsenter", "-t", "7",
                "-m", "-r", "-w/tmp/x", "--", "criu", "dump");
        assertThat(RootfsAnchor.anchorArgv()).startsWith("unshare", "-m");
        assertThat(String.join(" ", RootfsAnchor.anchorArgv())).contains("mount --move . /").contains("chroot .");
    }
}
