package dev.jkvm.devices.memory;

import java.lang.foreign.MemorySegment;

/**
 * Guest-physical memory as a device sees it (DMA). Every range is checked: one that is not wholly RAM throws
 * {@link GuestMemoryException}, never reaching host memory outside the guest.
 */
public interface GuestRam {
    /** The host view of guest-physical [{@code gpa}, {@code gpa + length}). */
    MemorySegment slice(long gpa, long length);

    /** Whether [{@code gpa}, {@code gpa + length}) is wholly guest RAM. */
    boolean isRam(long gpa, long length);

    /** Total RAM in bytes. */
    long size();
}
