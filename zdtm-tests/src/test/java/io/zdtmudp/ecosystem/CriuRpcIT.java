package io.zdtmudp.ecosystem;

import static org.assertj.core.api.Assertions.assertThat;

import io.zdtmudp.harness.criu.CriuRpcClient;
import io.zdtmudp.harness.criu.RpcRequest;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuFeatures;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuReqType;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuVersion;
import io.zdtmudp.harness.guest.Guest;
import io.zdtmudp.harness.junit.ZdtmVm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The harness's CRIU RPC client on its own, against the guest's {@code criu swrk}, as a user of go-criu or
 * pycriu would use it: what CRIU is, what it can do, and a refusal that comes back as CRIU's own answer.
 * {@code CrModeIT} (mode {@code rpc}) and the {@code rpc} sample of {@code .ci/run} dump and restore through it.
 */
@ZdtmVm
class CriuRpcIT {
    @Test
    void versionAndFeaturesComeFromTheGuestsCriu(Guest guest) {
        CriuRpcClient rpc = guest.criu().rpcClient(guest.workDir() + "/rpc");
        CriuVersion v = rpc.version();
        String cli = guest.run(guest.criu().binary().path(), "--version").stdout();
        // criu --version prints "Version: 4.2.1" (and its git id when built from git)
        assertThat(cli).contains("Version: " + v.getMajorNumber() + "." + v.getMinorNumber()
                + (v.hasSublevel() ? "." + v.getSublevel() : ""));
        CriuFeatures f = rpc.features(CriuFeatures.newBuilder().setMemTrack(true).setLazyPages(true).build());
        // the guest kernel has soft-dirty tracking and userfaultfd: --track-mem and --lazy-pages run in CrModeIT
        assertThat(f.getMemTrack()).as("mem_track").isTrue();
        assertThat(f.getLazyPages()).as("lazy_pages").isTrue();
    }

    @Test
    void aDumpOfNoSuchTaskIsRefusedInCriusAnswer(Guest guest) {
        String dir = guest.workDir() + "/rpc-none";
        guest.run("mkdir", "-p", dir);
        RpcRequest req = RpcRequest.of("dump", List.of("-t", "999999", "-D", dir, "-o", dir + "/dump.log", "-v4"));
        CriuRpcClient.Call call = guest.criu().rpcClient(guest.workDir() + "/rpc").call(req.request(), req.dirs(), Map.of());

        assertThat(call.response()).as("CRIU's answer").isNotNull();
        assertThat(call.response().getType()).isEqualTo(CriuReqType.DUMP);
        assertThat(call.succeeded()).isFalse();
        assertThat(call.failure()).startsWith("DUMP failed");
        // the log went where the request said, through the descriptor the relay held for CRIU
        assertThat(guest.run("cat", dir + "/dump.log").stdout()).contains("999999");
    }
}
