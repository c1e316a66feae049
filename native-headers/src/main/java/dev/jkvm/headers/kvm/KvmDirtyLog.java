package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.anonymousUnion;
import static dev.jkvm.headers.Layouts.pointer;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static dev.jkvm.headers.Layouts.u64;

/**
 * {@code struct kvm_dirty_log}: where KVM_GET_DIRTY_LOG writes a slot's dirty-page bitmap. {@code dirty_bitmap}
 * and {@code padding2} share an anonymous union.
 */
public final class KvmDirtyLog {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_dirty_log",
            u32("slot"), u32("padding1"), anonymousUnion(pointer("dirty_bitmap"), u64("padding2")));

    /** Offset of {@code __u32 slot}. */
    public static final long OFFSET_SLOT = Layouts.offset(LAYOUT, "slot");
    /** Offset of {@code __u32 padding1}. */
    public static final long OFFSET_PADDING1 = Layouts.offset(LAYOUT, "padding1");
    /** Offset of {@code void * dirty_bitmap}. */
    public static final long OFFSET_DIRTY_BITMAP = Layouts.offset(LAYOUT, "dirty_bitmap");
    /** Offset of {@code __u64 padding2}. */
    public static final long OFFSET_PADDING2 = Layouts.offset(LAYOUT, "padding2");

    /** {@code __u32 slot}: the memory slot. */
    public static final VarHandle SLOT = Layouts.varHandle(LAYOUT, "slot");
    /** {@code __u32 padding1}: unused. */
    public static final VarHandle PADDING1 = Layouts.varHandle(LAYOUT, "padding1");
    /** {@code void * dirty_bitmap}: the bitmap, one bit per page (a MemorySegment). */
    public static final VarHandle DIRTY_BITMAP = Layouts.varHandle(LAYOUT, "dirty_bitmap");
    /** {@code __u64 padding2}: the same 8 bytes as an integer. */
    public static final VarHandle PADDING2 = Layouts.varHandle(LAYOUT, "padding2");

    private KvmDirtyLog() {
    }
}
