package dev.jkvm.devices.virtio.net;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * struct virtio_net_hdr with num_buffers (virtio 1.2 §5.1.6): the 12 bytes in front of every frame once
 * VIRTIO_F_VERSION_1 is negotiated, whether or not MRG_RXBUF is. Fields keep their spec names; all are little-endian.
 */
public record VirtioNetHeader(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset,
                              int numBuffers) {
    /** Size of the header in bytes (the tap's TUNSETVNETHDRSZ). */
    public static final int SIZE = 12;

    /** flags: the packet carries a partial checksum to complete from csum_start, stored at csum_offset. */
    public static final int F_NEEDS_CSUM = 1;
    /** flags: the device validated the packet's checksum. */
    public static final int F_DATA_VALID = 2;
    /** flags: the header carries receive-segment-coalescing information (VIRTIO_NET_F_RSC_EXT). */
    public static final int F_RSC_INFO = 4;

    /** gso_type: not a segmentation offload packet. */
    public static final int GSO_NONE = 0;
    /** gso_type: TCPv4 segmentation offload. */
    public static final int GSO_TCPV4 = 1;
    /** gso_type: UDP fragmentation offload. */
    public static final int GSO_UDP = 3;
    /** gso_type: TCPv6 segmentation offload. */
    public static final int GSO_TCPV6 = 4;
    /** gso_type: UDP segmentation offload (VIRTIO_NET_F_HOST_USO / GUEST_USO). */
    public static final int GSO_UDP_L4 = 5;
    /** gso_type bit: the TCP segments carry ECN (CWR). */
    public static final int GSO_ECN = 0x80;

    /** Byte offset of flags. */
    private static final long FLAGS = 0;
    /** Byte offset of gso_type. */
    private static final long GSO_TYPE = 1;
    /** Byte offset of hdr_len. */
    private static final long HDR_LEN = 2;
    /** Byte offset of gso_size. */
    private static final long GSO_SIZE = 4;
    /** Byte offset of csum_start. */
    private static final long CSUM_START = 6;
    /** Byte offset of csum_offset. */
    private static final long CSUM_OFFSET = 8;
    /** Byte offset of num_buffers. */
    private static final long NUM_BUFFERS = 10;

    /** An unaligned little-endian 16-bit field. */
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Reads the header at the start of {@code segment} (at least {@link #SIZE} bytes). */
    public static VirtioNetHeader read(MemorySegment segment) {
        return new VirtioNetHeader(
                Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, FLAGS)),
                Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, GSO_TYPE)),
                Short.toUnsignedInt(segment.get(LE16, HDR_LEN)),
                Short.toUnsignedInt(segment.get(LE16, GSO_SIZE)),
                Short.toUnsignedInt(segment.get(LE16, CSUM_START)),
                Short.toUnsignedInt(segment.get(LE16, CSUM_OFFSET)),
                Short.toUnsignedInt(segment.get(LE16, NUM_BUFFERS)));
    }

    /** Writes the header at the start of {@code segment}. */
    public void write(MemorySegment segment) {
        segment.set(ValueLayout.JAVA_BYTE, FLAGS, (byte) flags);
        segment.set(ValueLayout.JAVA_BYTE, GSO_TYPE, (byte) gsoType);
        segment.set(LE16, HDR_LEN, (short) hdrLen);
        segment.set(LE16, GSO_SIZE, (short) gsoSize);
        segment.set(LE16, CSUM_START, (short) csumStart);
        segment.set(LE16, CSUM_OFFSET, (short) csumOffset);
        segment.set(LE16, NUM_BUFFERS, (short) numBuffers);
    }

    /**
     * Rewrites flags and num_buffers of the header at the start of {@code segment} in place, the two fields the
     * device changes in a received frame's header, so the per-frame path builds no second header.
     */
    public static void writeFlagsAndNumBuffers(MemorySegment segment, int flags, int numBuffers) {
        segment.set(ValueLayout.JAVA_BYTE, FLAGS, (byte) flags);
        segment.set(LE16, NUM_BUFFERS, (short) numBuffers);
    }
}
