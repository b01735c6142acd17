package io.zdtmudp.cases;

import io.zdtmudp.harness.junit.ZdtmVm;
import io.zdtmudp.harness.udp.QueueInjection;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * The receive queue survives checkpoint/restore byte for byte: every datagram,
 * in order, with its source address and port (and destination, where the
 * socket asks for it), and the image holds exactly those datagrams.
 *
 * <p>Every case runs through both restore paths of the engine: raw sockets
 * (what a stock kernel allows) and our kernel's UDP_REPAIR_QUEUE.
 *
 * <p>The paths are nested classes, not a parameterized class, so that CI servers reading the XML reports see
 * {@code UdpReceiveQueueIT$RawPath.oneDatagram(IpFamily, Guest)[1] INET}: a class template invocation
 * reaches the XML only as an index.
 */
@ZdtmVm
class UdpReceiveQueueIT {
    @Nested
    @DisplayName("restore through RAW")
    class RawPath extends UdpReceiveQueueCases {
        RawPath() {
            super(QueueInjection.RAW);
        }
    }

    @Nested
    @DisplayName("restore through KERNEL")
    class KernelPath extends UdpReceiveQueueCases {
        KernelPath() {
            super(QueueInjection.KERNEL);
        }
    }
}
