package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static dev.jkvm.headers.Layouts.u64;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * {@code struct kvm_ioeventfd}: signals an eventfd on a guest PIO/MMIO write, for KVM_IOEVENTFD.
 */
public final class KvmIoeventfd {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_ioeventfd",
            u64("datamatch"), u64("addr"), u32("len"), u32("fd"), u32("flags"), array("pad", 36, JAVA_BYTE));

    /** Offset of {@code __u64 datamatch}. */
    public static final long OFFSET_DATAMATCH = Layouts.offset(LAYOUT, "datamatch");
    /** Offset of {@code __u64 addr}. */
    public static final long OFFSET_ADDR = Layouts.offset(LAYOUT, "addr");
    /** Offset of {@code __u32 len}. */
    public static final long OFFSET_LEN = Layouts.offset(LAYOUT, "len");
    /** Offset of {@code __s32 fd}. */
    public static final long OFFSET_FD = Layouts.offset(LAYOUT, "fd");
    /** Offset of {@code __u32 flags}. */
    public static final long OFFSET_FLAGS = Layouts.offset(LAYOUT, "flags");
    /** Offset of {@code __u8[36] pad}. */
    public static final long OFFSET_PAD = Layouts.offset(LAYOUT, "pad");

    /** {@code __u64 datamatch}: value to match, with KVM_IOEVENTFD_FLAG_DATAMATCH. */
    public static final VarHandle DATAMATCH = Layouts.varHandle(LAYOUT, "datamatch");
    /** {@code __u64 addr}: the port or guest-physical address. */
    public static final VarHandle ADDR = Layouts.varHandle(LAYOUT, "addr");
    /** {@code __u32 len}: access size 1, 2, 4 or 8, or 0 for any. */
    public static final VarHandle LEN = Layouts.varHandle(LAYOUT, "len");
    /** {@code __s32 fd}: the eventfd. */
    public static final VarHandle FD = Layouts.varHandle(LAYOUT, "fd");
    /** {@code __u32 flags}: KVM_IOEVENTFD_FLAG_* flags. */
    public static final VarHandle FLAGS = Layouts.varHandle(LAYOUT, "flags");

    private KvmIoeventfd() {
    }
}
