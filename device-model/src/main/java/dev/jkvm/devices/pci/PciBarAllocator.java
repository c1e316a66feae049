package dev.jkvm.devices.pci;

import static dev.jkvm.devices.pci.PciConfigRegisters.*;

/**
 * Does what firmware does before an OS boots: gives each BAR a naturally aligned address from the machine's
 * memory or I/O window, writes it through the function's configuration space, and enables memory and/or I/O
 * decode in the command register, so the {@link PciBarMapper} learns the placement through the normal path.
 * Place a function after plugging it (its mapper is attached then). The guest may move BARs later.
 */
public final class PciBarAllocator {
    /** First address of the memory BAR window on a jkvm machine (the start of the PCI hole). */
    public static final long PC_MEMORY_BASE = 0xC000_0000L;
    /** Last address of the memory BAR window; ECAM follows it. */
    public static final long PC_MEMORY_LIMIT = 0xDFFF_FFFFL;
    /** First port of the I/O BAR window. */
    public static final long PC_IO_BASE = 0xC000;
    /** Last port of the I/O BAR window. */
    public static final long PC_IO_LIMIT = 0xFFFF;

    private final long memLimit;
    private final long ioLimit;
    private long nextMemory;
    private long nextIo;

    /**
     * @param memBase first address of the memory window
     * @param memLimit last address of the memory window (inclusive, as a bridge's limit register is)
     * @param ioBase first port of the I/O window
     * @param ioLimit last port of the I/O window (inclusive)
     */
    public PciBarAllocator(long memBase, long memLimit, long ioBase, long ioLimit) {
        if (memBase > memLimit || ioBase > ioLimit || memBase < 0 || ioBase < 0) {
            throw new IllegalArgumentException("empty BAR window: memory 0x%x-0x%x, I/O 0x%x-0x%x"
                    .formatted(memBase, memLimit, ioBase, ioLimit));
        }
        this.nextMemory = memBase;
        this.memLimit = memLimit;
        this.nextIo = ioBase;
        this.ioLimit = ioLimit;
    }

    /** The jkvm PC windows: memory 0xC0000000–0xDFFFFFFF, I/O 0xC000–0xFFFF. */
    public static PciBarAllocator pc() {
        return new PciBarAllocator(PC_MEMORY_BASE, PC_MEMORY_LIMIT, PC_IO_BASE, PC_IO_LIMIT);
    }

    /** Places every BAR of {@code device} and enables the decode its BARs need. */
    public synchronized void place(PciDevice device) {
        int enable = 0;
        for (PciBar bar : device.bars()) {
            int offset = barOffset(bar.index());
            if (bar.kind() == PciBarKind.IO) {
                long address = align(nextIo, bar.size());
                checkFits("I/O", bar, address, ioLimit);
                nextIo = address + bar.size();
                device.configWrite(offset, 4, (int) address);
                enable |= COMMAND_IO_SPACE;
            } else {
                long address = align(nextMemory, bar.size());
                checkFits("memory", bar, address, memLimit);
                nextMemory = address + bar.size();
                device.configWrite(offset, 4, (int) address);
                if (bar.kind() == PciBarKind.MEMORY64) {
                    device.configWrite(offset + 4, 4, (int) (address >>> 32));
                }
                enable |= COMMAND_MEMORY_SPACE;
            }
        }
        if (enable != 0) {
            int command = device.configRead(COMMAND, 2);
            device.configWrite(COMMAND, 2, command | enable);
        }
    }

    private static long align(long address, long size) {
        return (address + size - 1) & -size;
    }

    private static void checkFits(String window, PciBar bar, long address, long limit) {
        if (address + bar.size() - 1 > limit) {
            throw new IllegalStateException("%s window exhausted: BAR %d (%s, 0x%x bytes) would end past 0x%x"
                    .formatted(window, bar.index(), bar.kind(), bar.size(), limit));
        }
    }
}
