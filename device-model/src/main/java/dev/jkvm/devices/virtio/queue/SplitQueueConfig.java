package dev.jkvm.devices.virtio.queue;

/**
 * Where the driver placed one split virtqueue (virtio 1.2 §2.7) and what it negotiated for it, as the transport
 * read it from the common configuration when the driver enabled the queue.
 *
 * @param index               the queue's index in the device
 * @param size                Queue Size: entries in each ring
 * @param descTable           guest-physical address of the Descriptor Table
 * @param availRing           guest-physical address of the Available Ring (driver area)
 * @param usedRing            guest-physical address of the Used Ring (device area)
 * @param eventIdx            VIRTIO_F_EVENT_IDX (bit 29) was negotiated
 * @param indirectDescriptors VIRTIO_F_INDIRECT_DESC (bit 28) was negotiated
 */
public record SplitQueueConfig(int index, int size, long descTable, long availRing, long usedRing, boolean eventIdx,
                               boolean indirectDescriptors) {
    /** Bytes of one {@code struct virtq_desc}. */
    public static final int DESCRIPTOR_SIZE = 16;
    /** Bytes of the avail ring besides its entries: flags, idx and used_event (all le16). */
    static final int AVAIL_FIXED_BYTES = 6;
    /** Bytes of one avail ring entry (le16 head index). */
    static final int AVAIL_ENTRY_SIZE = 2;
    /** Bytes of the used ring besides its entries: flags, idx and avail_event (all le16). */
    static final int USED_FIXED_BYTES = 6;
    /** Bytes of one {@code struct virtq_used_elem} (le32 id, le32 len). */
    static final int USED_ENTRY_SIZE = 8;

    /** Bytes the Descriptor Table occupies (§2.7, "16 * Queue Size"). */
    public long descTableBytes() {
        return (long) DESCRIPTOR_SIZE * size;
    }

    /** Bytes the Available Ring occupies (§2.7, "6 + 2 * Queue Size"). */
    public long availRingBytes() {
        return AVAIL_FIXED_BYTES + (long) AVAIL_ENTRY_SIZE * size;
    }

    /** Bytes the Used Ring occupies (§2.7, "6 + 8 * Queue Size"). */
    public long usedRingBytes() {
        return USED_FIXED_BYTES + (long) USED_ENTRY_SIZE * size;
    }
}
