package dev.jkvm.devices.pci;

import dev.jkvm.devices.bus.BusDevice;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A BAR's handler built from several register blocks at fixed offsets (an MSI-X table and its PBA, the virtio
 * structures): accesses are passed to the block that holds them with block-relative offsets; bytes no block
 * claims read as zero and ignore writes. Blocks are added while the owning device is built, before the guest can
 * reach the BAR.
 */
public final class PciBarRegions implements BusDevice {
    private volatile List<Region> regions = List.of();

    private record Region(long offset, long length, BusDevice handler) {
        boolean holds(long at, int size) {
            return at >= offset && at + size <= offset + length;
        }
    }

    /** Claims [{@code offset}, {@code offset + length}) for {@code handler}; blocks may not overlap. */
    public synchronized PciBarRegions add(long offset, long length, BusDevice handler) {
        Objects.requireNonNull(handler, "handler");
        Region added = new Region(offset, length, handler);
        for (Region r : regions) {
            if (offset < r.offset() + r.length() && r.offset() < offset + length) {
                throw new IllegalArgumentException("BAR block 0x%x+0x%x overlaps 0x%x+0x%x".formatted(offset, length, r.offset(), r.length()));
            }
        }
        List<Region> updated = new ArrayList<>(regions);
        updated.add(added);
        regions = List.copyOf(updated);
        return this;
    }

    @Override
    public long read(long offset, int size) {
        for (Region r : regions) {
            if (r.holds(offset, size)) {
                return r.handler().read(offset - r.offset(), size);
            }
        }
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        for (Region r : regions) {
            if (r.holds(offset, size)) {
                r.handler().write(offset - r.offset(), size, value);
                return;
            }
        }
    }
}
