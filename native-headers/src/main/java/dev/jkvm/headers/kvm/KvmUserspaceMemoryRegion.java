package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Layouts;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u32;
import static dev.jkvm.headers.Layouts.u64;

/**
 * {@code struct kvm_userspace_memory_region}: a memory slot, for KVM_SET_USER_MEMORY_REGION.
 */
public final class KvmUserspaceMemoryRegion {

    /** The C layout; {@code byteSize()} is {@code sizeof}. */
    public static final StructLayout LAYOUT = struct("kvm_userspace_memory_region",
            u32("slot"), u32("flags"), u64("guest_phys_addr"), u64("memory_size"), u64("userspace_addr"));

    /** Offset of {@code __u32 slot}. */
    public static final long OFFSET_SLOT = Layouts.offset(LAYOUT, "slot");
    /** Offset of {@code __u32 flags}. */
    public static final long OFFSET_FLAGS = Layouts.offset(LAYOUT, "flags");
    /** Offset of {@code __u64 guest_phys_addr}. */
    public static final long OFFSET_GUEST_PHYS_ADDR = Layouts.offset(LAYOUT, "guest_phys_addr");
    /** Offset of {@code __u64 memory_size}. */
    public static final long OFFSET_MEMORY_SIZE = Layouts.offset(LAYOUT, "memory_size");
    /** Offset of {@code __u64 userspace_addr}. */
    public static final long OFFSET_USERSPACE_ADDR = Layouts.offset(LAYOUT, "userspace_addr");

    /** {@code __u32 slot}: slot number (address space in bits 16-31). */
    public static final VarHandle SLOT = Layouts.varHandle(LAYOUT, "slot");
    /** {@code __u32 flags}: KVM_MEM_* flags. */
    public static final VarHandle FLAGS = Layouts.varHandle(LAYOUT, "flags");
    /** {@code __u64 guest_phys_addr}: guest-physical start. */
    public static final VarHandle GUEST_PHYS_ADDR = Layouts.varHandle(LAYOUT, "guest_phys_addr");
    /** {@code __u64 memory_size}: size in bytes; 0 deletes the slot. */
    public static final VarHandle MEMORY_SIZE = Layouts.varHandle(LAYOUT, "memory_size");
    /** {@code __u64 userspace_addr}: start of the backing memory in this process. */
    public static final VarHandle USERSPACE_ADDR = Layouts.varHandle(LAYOUT, "userspace_addr");

    private KvmUserspaceMemoryRegion() {
    }
}
