package dev.jkvm.core.x86;

import dev.jkvm.headers.kvm.KvmSegment;

import java.lang.foreign.MemorySegment;

/**
 * A flat segment both as the 8-byte GDT descriptor the guest can read back and as the hidden kvm_segment state
 * KVM loads, so the two always agree.
 */
public record SegmentDescriptor(int selector, long base, int limit, int type, boolean system, int dpl,
                                boolean defaultBig, boolean longMode, boolean granularity) {
    /** Type 0xB: code, execute/read, accessed. */
    public static final int TYPE_CODE = 0xB;
    /** Type 0x3: data, read/write, accessed. */
    public static final int TYPE_DATA = 0x3;
    /** Type 0xB for a system descriptor: 32-bit TSS, busy. */
    public static final int TYPE_TSS_BUSY = 0xB;

    public static SegmentDescriptor code32(int selector) {
        return new SegmentDescriptor(selector, 0, 0xFFFFF, TYPE_CODE, false, 0, true, false, true);
    }

    public static SegmentDescriptor data32(int selector) {
        return new SegmentDescriptor(selector, 0, 0xFFFFF, TYPE_DATA, false, 0, true, false, true);
    }

    public static SegmentDescriptor tss32(int selector) {
        return new SegmentDescriptor(selector, 0, 0x67, TYPE_TSS_BUSY, true, 0, false, false, false);
    }

    /** The descriptor as it sits in a GDT. */
    public long encode() {
        long d = (limit & 0xFFFFL) | ((base & 0xFFFFFFL) << 16);
        d |= (long) (type & 0xF) << 40;
        d |= (system ? 0L : 1L) << 44;
        d |= (long) (dpl & 3) << 45;
        d |= 1L << 47; // present
        d |= ((long) (limit >>> 16) & 0xF) << 48;
        d |= (longMode ? 1L : 0L) << 53;
        d |= (defaultBig ? 1L : 0L) << 54;
        d |= (granularity ? 1L : 0L) << 55;
        d |= ((base >>> 24) & 0xFFL) << 56;
        return d;
    }

    /** Fills a kvm_segment with the hidden state this descriptor loads. */
    public void writeTo(MemorySegment seg) {
        KvmSegment.BASE.set(seg, 0L, base);
        KvmSegment.LIMIT.set(seg, 0L, granularity ? (limit << 12) | 0xFFF : limit);
        KvmSegment.SELECTOR.set(seg, 0L, (short) selector);
        KvmSegment.TYPE.set(seg, 0L, (byte) type);
        KvmSegment.PRESENT.set(seg, 0L, (byte) 1);
        KvmSegment.DPL.set(seg, 0L, (byte) dpl);
        KvmSegment.DB.set(seg, 0L, (byte) (defaultBig ? 1 : 0));
        KvmSegment.S.set(seg, 0L, (byte) (system ? 0 : 1));
        KvmSegment.L.set(seg, 0L, (byte) (longMode ? 1 : 0));
        KvmSegment.G.set(seg, 0L, (byte) (granularity ? 1 : 0));
        KvmSegment.AVL.set(seg, 0L, (byte) 0);
        KvmSegment.UNUSABLE.set(seg, 0L, (byte) 0);
    }
}
