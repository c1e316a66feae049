package dev.jkvm.headers.net;

import dev.jkvm.headers.Layouts;

import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u16;
import static dev.jkvm.headers.Layouts.u8;

/**
 * {@code struct virtio_net_hdr_v1} from {@code <linux/virtio_net.h>} (virtio 1.x, 5.1.6 "Device Operation"):
 * the 12-byte header a tap opened with IFF_VNET_HDR and TUNSETVNETHDRSZ 12 puts before every frame it reads
 * and expects before every frame written to it. It is the guest's own header, so frames pass between a
 * virtqueue and the tap unchanged. Multi-byte fields are little-endian (a virtio 1.x device, x86 host).
 *
 * <p>The header's union also names the checksum fields {@code csum.start}/{@code csum.offset} and, for
 * receive segment coalescing, {@code rsc.segments}/{@code rsc.dup_acks}; they alias {@code csum_start} and
 * {@code csum_offset} and are not repeated here.
 */
public final class VirtioNetHdrV1 {

    /** The C layout, 12 bytes. */
    public static final StructLayout LAYOUT = struct("virtio_net_hdr_v1", u8("flags"), u8("gso_type"),
            u16("hdr_len"), u16("gso_size"), u16("csum_start"), u16("csum_offset"), u16("num_buffers"));

    /** Offset of {@code __u8 flags}. */
    public static final long OFFSET_FLAGS = Layouts.offset(LAYOUT, "flags");
    /** Offset of {@code __u8 gso_type}. */
    public static final long OFFSET_GSO_TYPE = Layouts.offset(LAYOUT, "gso_type");
    /** Offset of {@code __virtio16 hdr_len}. */
    public static final long OFFSET_HDR_LEN = Layouts.offset(LAYOUT, "hdr_len");
    /** Offset of {@code __virtio16 gso_size}. */
    public static final long OFFSET_GSO_SIZE = Layouts.offset(LAYOUT, "gso_size");
    /** Offset of {@code __virtio16 csum_start}. */
    public static final long OFFSET_CSUM_START = Layouts.offset(LAYOUT, "csum_start");
    /** Offset of {@code __virtio16 csum_offset}. */
    public static final long OFFSET_CSUM_OFFSET = Layouts.offset(LAYOUT, "csum_offset");
    /** Offset of {@code __virtio16 num_buffers}. */
    public static final long OFFSET_NUM_BUFFERS = Layouts.offset(LAYOUT, "num_buffers");

    /** {@code __u8 flags}: VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_F_DATA_VALID. */
    public static final VarHandle FLAGS = Layouts.varHandle(LAYOUT, "flags");
    /** {@code __u8 gso_type}: VIRTIO_NET_HDR_GSO_*, possibly with VIRTIO_NET_HDR_GSO_ECN. */
    public static final VarHandle GSO_TYPE = Layouts.varHandle(LAYOUT, "gso_type");
    /** {@code __virtio16 hdr_len}: length of the Ethernet, IP and TCP/UDP headers of a GSO frame. */
    public static final VarHandle HDR_LEN = Layouts.varHandle(LAYOUT, "hdr_len");
    /** {@code __virtio16 gso_size}: payload bytes per segment of a GSO frame. */
    public static final VarHandle GSO_SIZE = Layouts.varHandle(LAYOUT, "gso_size");
    /** {@code __virtio16 csum_start}: where checksumming starts, from the start of the Ethernet frame. */
    public static final VarHandle CSUM_START = Layouts.varHandle(LAYOUT, "csum_start");
    /** {@code __virtio16 csum_offset}: where, after csum_start, the checksum is stored. */
    public static final VarHandle CSUM_OFFSET = Layouts.varHandle(LAYOUT, "csum_offset");
    /** {@code __virtio16 num_buffers}: receive buffers a merged frame spans (the tap does not write it). */
    public static final VarHandle NUM_BUFFERS = Layouts.varHandle(LAYOUT, "num_buffers");

    private VirtioNetHdrV1() {
    }
}
