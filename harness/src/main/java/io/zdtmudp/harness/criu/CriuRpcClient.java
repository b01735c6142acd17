package io.zdtmudp.harness.criu;

import com.google.protobuf.InvalidProtocolBufferException;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuFeatures;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuReq;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuReqType;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuResp;
import io.zdtmudp.harness.criu.rpc.CriuRpcProto.CriuVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A client of CRIU's RPC ({@code images/rpc.proto}), as go-criu and pycriu are: each call is one session of
 * {@code criu swrk}, a request and its response. It knows nothing of the guest: a {@link Transport} carries
 * the messages ({@link GuestSwrk} through the guest agent).
 */
public final class CriuRpcClient {
    /** Runs one {@code criu swrk} session: sends each request in turn and collects one response for each. */
    public interface Transport {
        /**
         * @param dirs directories the session's peer holds open from {@link RpcRequest#FIRST_DIR_FD} on
         * @param env CRIU's environment on top of the transport's own (e.g. {@code CRIU_FAULT})
         */
        Session run(List<byte[]> requests, List<String> dirs, Map<String, String> env);
    }

    /**
     * What one session gave back.
     *
     * @param responses the serialized responses, one for each request CRIU answered
     * @param exitCode how the session ended (CRIU's exit status, or the transport's own failure)
     * @param output what CRIU and the transport printed
     */
    public record Session(List<byte[]> responses, int exitCode, String output, Duration duration) {
        public Session {
            responses = List.copyOf(responses);
        }
    }

    /** A request and what became of it. */
    public record Call(CriuReq request, CriuResp response, Session session) {
        /** Whether CRIU answered and said it succeeded. */
        public boolean succeeded() {
            return response != null && response.getSuccess();
        }

        /** CRIU's own account of a failure: its errno and message, or the session's end when it did not answer. */
        public String failure() {
            if (response == null) {
                return "criu swrk gave no answer to " + request.getType() + " (exit " + session.exitCode() + "): "
                        + session.output().strip();
            }
            if (response.getSuccess()) {
                return "";
            }
            return request.getType() + " failed: " + (response.hasCrErrmsg() ? response.getCrErrmsg() : "(no message)")
                    + (response.hasCrErrno() ? " (errno " + response.getCrErrno() + ")" : "");
        }
    }

    private final Transport transport;

    public CriuRpcClient(Transport transport) {
        this.transport = Objects.requireNonNull(transport);
    }

    /** Sends {@code request} in a session of its own; {@code dirs} and {@code env} as {@link Transport#run}. */
    public Call call(CriuReq request, List<String> dirs, Map<String, String> env) {
        Session s = transport.run(List.of(request.toByteArray()), dirs, env);
        if (s.responses().isEmpty()) {
            return new Call(request, null, s);
        }
        try {
            CriuResp resp = CriuResp.parseFrom(s.responses().get(0));
            if (resp.getType() != request.getType()) {
                throw new CriuRpcException("criu swrk answered " + request.getType() + " with a " + resp.getType());
            }
            return new Call(request, resp, s);
        } catch (InvalidProtocolBufferException e) {
            throw new CriuRpcException("criu swrk answered " + request.getType() + " with a message that is not a"
                    + " criu_resp: " + e.getMessage(), e);
        }
    }

    /** CRIU's version ({@code VERSION}). */
    public CriuVersion version() {
        return answered(CriuReq.newBuilder().setType(CriuReqType.VERSION).build()).getVersion();
    }

    /** Which of {@code asked} CRIU and the kernel support ({@code FEATURE_CHECK}). */
    public CriuFeatures features(CriuFeatures asked) {
        return answered(CriuReq.newBuilder().setType(CriuReqType.FEATURE_CHECK).setFeatures(asked).build()).getFeatures();
    }

    private CriuResp answered(CriuReq request) {
        Call c = call(request, List.of(), Map.of());
        if (!c.succeeded()) {
            throw new CriuRpcException(c.failure());
        }
        return c.response();
    }

    /** Thrown when the session breaks the protocol; a refusal by CRIU is a {@link Call} that did not succeed. */
    public static final class CriuRpcException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CriuRpcException(String message) {
            super(message);
        }

        CriuRpcException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Frames messages as the guest relay reads and writes them: a 4-byte big-endian length, then the bytes. */
    static byte[] frame(List<byte[]> messages) {
        int size = messages.stream().mapToInt(m -> 4 + m.length).sum();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(size);
        messages.forEach(m -> b.putInt(m.length).put(m));
        return b.array();
    }

    /** The messages of a framed file; a cut-short last frame is a broken session and is refused by name. */
    static List<byte[]> unframe(byte[] framed) {
        List<byte[]> out = new ArrayList<>();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(framed);
        while (b.hasRemaining()) {
            if (b.remaining() < 4) {
                throw new CriuRpcException("a response frame is cut short: " + b.remaining() + " bytes of its length");
            }
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) {
                throw new CriuRpcException("a response frame says " + len + " bytes, " + b.remaining() + " follow");
            }
            byte[] m = new byte[len];
            b.get(m);
            out.add(m);
        }
        return out;
    }
}
