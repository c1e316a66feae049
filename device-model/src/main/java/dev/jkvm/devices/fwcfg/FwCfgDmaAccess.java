package dev.jkvm.devices.fwcfg;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code FWCfgDmaAccess}: the request a guest places in its RAM and points the DMA address register at. All three
 * fields are big-endian in guest memory: {@code be32 control, be32 length, be64 address}.
 */
public record FwCfgDmaAccess(int control, int length, long address) {
    /** Size of the structure in guest memory. */
    public static final int SIZE = 16;
    /** Offset of {@code control}, which the device overwrites with the result. */
    public static final int CONTROL_OFFSET = 0;
    /** Offset of {@code length}. */
    public static final int LENGTH_OFFSET = 4;
    /** Offset of {@code address}. */
    public static final int ADDRESS_OFFSET = 8;

    /** Control bit 0: the transfer failed (set by the device). */
    public static final int ERROR = 1;
    /** Control bit 1: copy {@code length} bytes of the selected item to guest memory. */
    public static final int READ = 1 << 1;
    /** Control bit 2: advance the item's data offset by {@code length} bytes. */
    public static final int SKIP = 1 << 2;
    /** Control bit 3: select the item in the upper 16 bits first, as a selector register write does. */
    public static final int SELECT = 1 << 3;
    /** Control bit 4: copy {@code length} bytes of guest memory into the selected item. */
    public static final int WRITE = 1 << 4;
    /** Position of the selector in {@code control} when {@link #SELECT} is set. */
    public static final int SELECTOR_SHIFT = 16;

    /** Big-endian {@code u32} as it lies in guest memory. */
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** Big-endian {@code u64} as it lies in guest memory. */
    private static final ValueLayout.OfLong BE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** A request that selects {@code selector} and then does {@code operation} (READ, SKIP or WRITE bits). */
    public static FwCfgDmaAccess select(int selector, int operation, int length, long address) {
        return new FwCfgDmaAccess((selector << SELECTOR_SHIFT) | SELECT | operation, length, address);
    }

    /** The structure as it lies in guest memory. */
    public static FwCfgDmaAccess decode(MemorySegment guest) {
        return new FwCfgDmaAccess(guest.get(BE32, CONTROL_OFFSET), guest.get(BE32, LENGTH_OFFSET),
                guest.get(BE64, ADDRESS_OFFSET));
    }

    /** The 16 bytes a guest writes to its memory for this request. */
    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.BIG_ENDIAN).putInt(control).putInt(length).putLong(address)
                .array();
    }

    /** Writes a result into {@code control} of the structure at {@code guest}. */
    static void writeControl(MemorySegment guest, int control) {
        guest.set(BE32, CONTROL_OFFSET, control);
    }

    /** The item selector in the upper half of {@code control}. */
    public int selector() {
        return control >>> SELECTOR_SHIFT;
    }

    /** {@code length} as the unsigned number it is. */
    public long unsignedLength() {
        return Integer.toUnsignedLong(length);
    }
}
