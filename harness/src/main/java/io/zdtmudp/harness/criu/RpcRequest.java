package io.zdtmudp.harness.criu;

import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuNetworkLockMethod;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuOpts;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuPageServerInfo;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuReq;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuReqType;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuUdpQueues;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * A CRIU command line as the RPC request that asks the same: the harness renders every step's options as
 * argv ({@link CriuOptions#toArgs}), and this reads that argv into {@code criu_opts}, so a step runs the same
 * either way. {@code criu swrk} opens directories by descriptor of its peer, so the images and the log's
 * directory are {@link #dirs()}, which the transport opens at {@link #FIRST_DIR_FD} on. An option without
 * an RPC field (an action script, which RPC replaces by notifications) is refused by name, never dropped.
 */
public record RpcRequest(CriuReq request, List<String> dirs, String pidFile) {
    /** The descriptor of the first of {@link #dirs()} in the peer of {@code criu swrk}; the rest follow. */
    public static final int FIRST_DIR_FD = 10;

    /** {@code action} (dump, pre-dump, restore) with {@code args}, as {@code criu ACTION ARGS...} would run it. */
    public static RpcRequest of(String action, List<String> args) {
        CriuReqType type = switch (action) {
            case "dump" -> CriuReqType.DUMP;
            case "pre-dump" -> CriuReqType.PRE_DUMP;
            case "restore" -> CriuReqType.RESTORE;
            default -> throw new IllegalArgumentException("criu " + action + ": not a step the RPC client runs");
        };
        CriuOpts.Builder o = CriuOpts.newBuilder();
        CriuPageServerInfo.Builder ps = CriuPageServerInfo.newBuilder();
        boolean pageServer = false;
        String images = null;
        String workDir = null;
        String log = null;
        String pidFile = null;
        for (Iterator<String> it = args.iterator(); it.hasNext();) {
            String a = it.next();
            String inline = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                inline = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "-t" -> o.setPid(Integer.parseInt(value(a, inline, it)));
                case "-D" -> images = value(a, inline, it);
                case "-W" -> workDir = value(a, inline, it);
                case "-o" -> log = value(a, inline, it);
                case "--shell-job" -> o.setShellJob(true);
                case "--tcp-established" -> o.setTcpEstablished(true);
                case "--ext-unix-sk" -> o.setExtUnixSk(true);
                case "--leave-running" -> o.setLeaveRunning(true);
                case "--track-mem" -> o.setTrackMem(true);
                case "--prev-images-dir" -> o.setParentImg(value(a, inline, it));
                case "--timeout" -> o.setTimeout(Integer.parseInt(value(a, inline, it)));
                case "--lazy-pages" -> o.setLazyPages(true);
                case "--root" -> o.setRoot(value(a, inline, it));
                // an RPC restore leaves the tree as children of criu swrk, which exits after its answer
                case "--restore-detached" -> { }
                case "--pidfile" -> pidFile = value(a, inline, it);
                case "--network-lock" -> o.setNetworkLock(CriuNetworkLockMethod.valueOf(
                        value(a, inline, it).toUpperCase(Locale.ROOT)));
                case "--udp-queues" -> o.setUdpQueues(CriuUdpQueues.valueOf("UDP_"
                        + value(a, inline, it).toUpperCase(Locale.ROOT)));
                case DumpOptions.UDP_PEEK_LIMIT -> o.setUdpPeekLimit(Integer.parseUnsignedInt(value(a, inline, it)));
                case "--page-server" -> pageServer = true;
                case "--address" -> {
                    pageServer = true;
                    ps.setAddress(value(a, inline, it));
                }
                case "--port" -> {
                    pageServer = true;
                    ps.setPort(Integer.parseInt(value(a, inline, it)));
                }
                default -> {
                    if (a.matches("-v[0-4]")) {
                        o.setLogLevel(a.charAt(2) - '0');
                    } else {
                        throw new IllegalArgumentException("criu " + action + " " + a + ": no field of CRIU's RPC"
                                + " carries it" + (a.equals("--action-script") ? " (RPC clients get notifications instead)" : ""));
                    }
                }
            }
        }
        if (images == null) {
            throw new IllegalArgumentException("criu " + action + ": no images directory (-D)");
        }
        List<String> dirs = new ArrayList<>(List.of(images));
        o.setImagesDirFd(FIRST_DIR_FD);
        if (log != null) {
            // RPC takes a log file name only, in the work directory
            int slash = log.lastIndexOf('/');
            String logDir = slash < 0 ? workDir : slash == 0 ? "/" : log.substring(0, slash);
            o.setLogFile(log.substring(slash + 1));
            if (logDir != null) {
                workDir = logDir;
            }
        }
        if (workDir != null && !workDir.equals(images)) {
            dirs.add(workDir);
            o.setWorkDirFd(FIRST_DIR_FD + 1);
        }
        if (pageServer) {
            o.setPs(ps);
        }
        return new RpcRequest(CriuReq.newBuilder().setType(type).setOpts(o).build(), List.copyOf(dirs), pidFile);
    }

    private static String value(String option, String inline, Iterator<String> it) {
        if (inline != null) {
            return inline;
        }
        if (!it.hasNext()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return it.next();
    }
}
