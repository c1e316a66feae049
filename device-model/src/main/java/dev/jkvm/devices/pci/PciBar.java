package dev.jkvm.devices.pci;

import dev.jkvm.devices.bus.BusDevice;

import java.util.List;

/**
 * One base address register and the registers it decodes.
 *
 * @param index BAR number, 0..5 (a 64-bit BAR also uses index + 1)
 * @param kind address space and width
 * @param size bytes decoded, a power of two (at least 4 KiB for memory BARs, so each gets its own page)
 * @param prefetchable the memory BAR's prefetchable bit
 * @param handler accesses at offsets within [0, size)
 * @param doorbells notification locations the VMM may serve with ioeventfds
 */
public record PciBar(int index, PciBarKind kind, long size, boolean prefetchable, BusDevice handler,
                     List<Doorbell> doorbells) {
    public PciBar {
        if (Long.bitCount(size) != 1) {
            throw new IllegalArgumentException("BAR " + index + " size must be a power of two, got " + size);
        }
        doorbells = List.copyOf(doorbells);
    }
}
