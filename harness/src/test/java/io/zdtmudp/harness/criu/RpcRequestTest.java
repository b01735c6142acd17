package io.zdtmudp.harness.criu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuNetworkLockMethod;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuOpts;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuReqType;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuResp;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuRestoreResp;
import java.util.List;
import org.junit.jupiter.api.Test;

class RpcRequestTest {
    @Test
    void aDumpsCommandLineBecomesTheSameRequest() {
        DumpOptions d = DumpOptions.builder().pid(42).imagesDir("/w/images-1").logFile("/w/images-1/dump.log")
                .timeoutSeconds(90).leaveRunning(true).extraArgs("--network-lock", "nftables", "--udp-queues=strict",
                        "--udp-peek-limit", "20000", "--track-mem", "--prev-images-dir", "/w/pre-1")
                .build();
        RpcRequest r = RpcRequest.of("dump", d.toArgs());

        assertThat(r.request().getType()).isEqualTo(CriuReqType.DUMP);
        CriuOpts o = r.request().getOpts();
        assertThat(o.getPid()).isEqualTo(42);
        assertThat(o.getImagesDirFd()).isEqualTo(RpcRequest.FIRST_DIR_FD);
        // the log's directory is the images': no work directory of its own
        assertThat(r.dirs()).containsExactly("/w/images-1");
        assertThat(o.hasWorkDirFd()).isFalse();
        assertThat(o.getLogFile()).isEqualTo("dump.log");
        assertThat(o.getLogLevel()).isEqualTo(4);
        assertThat(o.getTimeout()).isEqualTo(90);
        assertThat(o.getLeaveRunning()).isTrue();
        assertThat(o.getTrackMem()).isTrue();
        assertThat(o.getParentImg()).isEqualTo("/w/pre-1");
        assertThat(o.getNetworkLock()).isEqualTo(CriuNetworkLockMethod.NFTABLES);
        assertThat(o.getUdpQueues().name()).isEqualTo("UDP_STRICT");
        assertThat(o.getUdpPeekLimit()).isEqualTo(20000);
        assertThat(o.hasPs()).isFalse();
    }

    @Test
    void aRestoreLoggingElsewhereGetsThatDirectoryAsItsWorkDirectory() {
        RestoreOptions ro = RestoreOptions.builder().imagesDir("/w/images-1").logFile("/w/logs/restore.log")
                .pidFile("/w/images-1/restore.pid").extraArgs("--lazy-pages").build();
        RpcRequest r = RpcRequest.of("restore", ro.toArgs());

        assertThat(r.request().getType()).isEqualTo(CriuReqType.RESTORE);
        assertThat(r.dirs()).containsExactly("/w/images-1", "/w/logs");
        assertThat(r.request().getOpts().getWorkDirFd()).isEqualTo(RpcRequest.FIRST_DIR_FD + 1);
        assertThat(r.request().getOpts().getLogFile()).isEqualTo("restore.log");
        assertThat(r.request().getOpts().getLazyPages()).isTrue();
        assertThat(r.pidFile()).isEqualTo("/w/images-1/restore.pid");
    }

    @Test
    void aRestoreIntoARootOfItsOwnCarriesThatRoot() {
        RpcRequest r = RpcRequest.of("restore", List.of("-D", "/i", "--root", "/w/root"));
        assertThat(r.request().getOpts().getRoot()).isEqualTo("/w/root");
        assertThat(RpcRequest.of("restore", List.of("-D", "/i", "--root=/r")).request().getOpts().getRoot())
                .isEqualTo("/r");
    }

    @Test
    void thePageServerOptionsBecomeItsAddress() {
        RpcRequest r = RpcRequest.of("dump", List.of("-t", "7", "-D", "/i", "--page-server", "--address", "127.0.0.1",
                "--port", "27700"));
        assertThat(r.request().getOpts().getPs().getAddress()).isEqualTo("127.0.0.1");
        assertThat(r.request().getOpts().getPs().getPort()).isEqualTo(27700);
    }

    @Test
    void anOptionRpcCannotCarryIsRefusedByName() {
        assertThatThrownBy(() -> RpcRequest.of("dump", List.of("-t", "7", "-D", "/i", "--action-script", "/s")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--action-script")
                .hasMessageContaining("notifications");
        assertThatThrownBy(() -> RpcRequest.of("dump", List.of("-t", "7", "-D", "/i", "--skip-mnt", "/x")))
                .hasMessageContaining("--skip-mnt: no field of CRIU's RPC carries it");
        assertThatThrownBy(() -> RpcRequest.of("check", List.of())).hasMessageContaining("not a step");
        assertThatThrownBy(() -> RpcRequest.of("dump", List.of("-t", "7"))).hasMessageContaining("no images directory");
    }

    @Test
    void framesRoundTripAndACutFrameIsRefused() {
        byte[] a = CriuResp.newBuilder().setType(CriuReqType.RESTORE).setSuccess(true)
                .setRestore(CriuRestoreResp.newBuilder().setPid(99)).build().toByteArray();
        byte[] framed = CriuRpcClient.frame(List.of(a, new byte[0]));
        assertThat(CriuRpcClient.unframe(framed)).hasSize(2).first().isEqualTo(a);
        byte[] cut = java.util.Arrays.copyOf(framed, framed.length - 3 - 4);
        assertThatThrownBy(() -> CriuRpcClient.unframe(cut)).isInstanceOf(CriuRpcClient.CriuRpcException.class)
                .hasMessageContaining("follow");
    }

    @Test
    void aClientTakesCriusAnswerOrSaysThereWasNone() {
        CriuRpcClient answering = new CriuRpcClient((requests, dirs, env) -> new CriuRpcClient.Session(List.of(
                CriuResp.newBuilder().setType(CriuReqType.DUMP).setSuccess(false).setCrErrno(1).setCrErrmsg("no way")
                        .build().toByteArray()), 1, "", java.time.Duration.ZERO));
        var call = answering.call(RpcRequest.of("dump", List.of("-t", "7", "-D", "/i")).request(), List.of(), java.util.Map.of());
        assertThat(call.succeeded()).isFalse();
        assertThat(call.failure()).isEqualTo("DUMP failed: no way (errno 1)");

        CriuRpcClient silent = new CriuRpcClient((requests, dirs, env) -> new CriuRpcClient.Session(List.of(), 3,
                "zdtm-criu-rpc: criu closed the socket without answering", java.time.Duration.ZERO));
        var none = silent.call(RpcRequest.of("dump", List.of("-t", "7", "-D", "/i")).request(), List.of(), java.util.Map.of());
        assertThat(none.succeeded()).isFalse();
        assertThat(none.failure()).contains("no answer to DUMP (exit 3)", "without answering");
    }
}
