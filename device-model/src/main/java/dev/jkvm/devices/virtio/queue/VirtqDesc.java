package dev.jkvm.devices.virtio.queue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One {@code struct virtq_desc} (virtio 1.2 §2.7.5) as read once from guest memory, so that a driver rewriting the
 * table meanwhile cannot make the checked value and the used value differ.
 *
 * @param address guest-physical buffer address
 * @param length  buffer length, an unsigned 32-bit value kept in a long
 * @param flags   VIRTQ_DESC_F_* bits
 * @param next    index of the next descriptor when {@link #NEXT} is set
 */
record VirtqDesc(long address, long length, int flags, int next) {
    /** VIRTQ_DESC_F_NEXT: the buffer continues via the next field. */
    static final int NEXT = 1;
    /** VIRTQ_DESC_F_WRITE: the buffer is device write-only (otherwise device read-only). */
    static final int WRITE = 2;
    /** VIRTQ_DESC_F_INDIRECT: the buffer holds a table of descriptors. */
    static final int INDIRECT = 4;

    /** Offset of le64 addr in the descriptor. */
    private static final int ADDRESS_OFFSET = 0;
    /** Offset of le32 len. */
    private static final int LENGTH_OFFSET = 8;
    /** Offset of le16 flags. */
    private static final int FLAGS_OFFSET = 12;
    /** Offset of le16 next. */
    private static final int NEXT_OFFSET = 14;
    /** Indirect tables carry no alignment requirement, so every field is read unaligned. */
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian u32 field. */
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian u16 field. */
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The descriptor at byte {@code offset} of {@code table}. */
    static VirtqDesc read(MemorySegment table, long offset) {
        return new VirtqDesc(
                table.get(LE64, offset + ADDRESS_OFFSET),
                Integer.toUnsignedLong(table.get(LE32, offset + LENGTH_OFFSET)),
                Short.toUnsignedInt(table.get(LE16, offset + FLAGS_OFFSET)),
                Short.toUnsignedInt(table.get(LE16, offset + NEXT_OFFSET)));
    }

    boolean hasNext() {
        return (flags & NEXT) != 0;
    }

    boolean writable() {
        return (flags & WRITE) != 0;
    }

    boolean indirect() {
        return (flags & INDIRECT) != 0;
    }
}
