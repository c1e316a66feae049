package dev.jkvm.core.loader;

import java.util.Optional;

/**
 * What a loader did: the protocol, where the boot vCPU starts, where the kernel and its boot data went.
 *
 * @param bootInfo  the zero page, hvm_start_info or Multiboot information structure
 * @param kernelEnd first address past the memory the kernel claims (initrd and modules lie above it)
 * @param detail    one line about the load worth telling a user, e.g. the payload codec
 */
public record LoadedKernel(BootProtocol protocol, long entry, long bootInfo, long kernelStart, long kernelEnd,
                           Optional<Placement> initrd, String detail) {
    /** Where a module was copied. */
    public record Placement(long address, long size) {
        public long end() {
            return address + size;
        }
    }
}
