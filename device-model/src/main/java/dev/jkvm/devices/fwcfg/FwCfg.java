package dev.jkvm.devices.fwcfg;

import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.memory.GuestMemoryException;
import dev.jkvm.devices.memory.GuestRam;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * QEMU's firmware configuration device (docs/specs/fw_cfg.rst) in its x86 port-I/O form: a 16-bit selector
 * register and an 8-bit data register in {@link #ioPort()}, and the big-endian 64-bit DMA address register in
 * {@link #dmaPort()}. Items are read-only, as every item QEMU fills for a -kernel boot is.
 *
 * <p>Accesses QEMU's device would refuse (a word read of the data register, a byte write of the DMA register) read
 * 0 and are otherwise ignored, as QEMU's memory core does with them. A DMA request or buffer that is not wholly
 * guest RAM ends the transfer with {@link FwCfgDmaAccess#ERROR}; nothing a guest does makes the device throw.
 * Both windows share one lock, since several vCPUs may use the device.
 */
public final class FwCfg {
    /** Port of the selector register on x86; the data register is the next port. */
    public static final int IO_BASE = 0x510;
    /** Ports the selector and data registers span. */
    public static final int IO_SIZE = 2;
    /** Offset of the data register in {@link #ioPort()}. */
    public static final int DATA_OFFSET = 1;
    /** Port of the DMA address register on x86: its high half, then its low half at +4. */
    public static final int DMA_IO_BASE = 0x514;
    /** Ports the DMA address register spans. */
    public static final int DMA_IO_SIZE = 8;
    /** Offset of the DMA address register's low half, whose write starts a transfer. */
    public static final int DMA_LOW_OFFSET = 4;
    /** What the DMA address register reads as: "QEMU CFG" as a big-endian number. */
    public static final long DMA_SIGNATURE = 0x51454D5520434647L;
    /** The ports the device answers on, for an ACPI _CRS: selector to the end of the DMA register. */
    public static final int ACPI_IO_LENGTH = DMA_IO_BASE + DMA_IO_SIZE - IO_BASE;

    /** Value of refused reads and of reads past an item's end. */
    private static final long NOTHING = 0;

    private final ReentrantLock lock = new ReentrantLock();
    private final FwCfgItems items;
    private final GuestRam ram;
    private final BusDevice ioPort = new IoPort();
    private final BusDevice dmaPort = new DmaPort();
    /** The selector last written; QEMU selects the signature at reset. */
    private int selector = FwCfgKey.SIGNATURE;
    /** Offset into the selected item of the next data byte. */
    private long offset;
    /** The DMA address register, assembled from its halves. */
    private long dmaAddress;

    public FwCfg(FwCfgItems items, GuestRam ram) {
        this.items = Objects.requireNonNull(items, "items");
        this.ram = Objects.requireNonNull(ram, "ram");
    }

    /** The selector (offset 0, 16-bit writes) and data (offset {@link #DATA_OFFSET}, byte reads) registers. */
    public BusDevice ioPort() {
        return ioPort;
    }

    /** The DMA address register, 8 ports, big-endian. */
    public BusDevice dmaPort() {
        return dmaPort;
    }

    public FwCfgItems items() {
        return items;
    }

    private final class IoPort implements BusDevice {
        @Override
        public long read(long at, int size) {
            // QEMU accepts byte reads of either port as data reads; anything wider it refuses.
            if (size != 1) {
                return NOTHING;
            }
            lock.lock();
            try {
                byte[] item = items.raw(selector);
                if (item == null || offset >= item.length) {
                    return NOTHING;
                }
                return Byte.toUnsignedLong(item[(int) offset++]);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void write(long at, int size, long value) {
            // A 16-bit write selects; byte writes to the data register have been ignored since QEMU 2.4.
            if (size == Short.BYTES) {
                lock.lock();
                try {
                    select((int) value & 0xFFFF);
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private final class DmaPort implements BusDevice {
        @Override
        public long read(long at, int size) {
            long value = 0;
            for (int lane = 0; lane < size; lane++) {
                long position = at + lane;
                long data = position < DMA_IO_SIZE ? (DMA_SIGNATURE >>> (Byte.SIZE * (DMA_IO_SIZE - 1 - position))) & 0xFF : 0;
                value |= data << (Byte.SIZE * lane);
            }
            return value;
        }

        @Override
        public void write(long at, int size, long value) {
            lock.lock();
            try {
                if (size == Integer.BYTES && at == 0) {
                    dmaAddress = Integer.toUnsignedLong(Integer.reverseBytes((int) value)) << Integer.SIZE;
                } else if (size == Integer.BYTES && at == DMA_LOW_OFFSET) {
                    dmaAddress |= Integer.toUnsignedLong(Integer.reverseBytes((int) value));
                    transfer();
                } else if (size == Long.BYTES && at == 0) {
                    dmaAddress = Long.reverseBytes(value);
                    transfer();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void select(int key) {
        selector = key;
        offset = 0;
    }

    /** Runs the request at {@link #dmaAddress} to completion and writes its result into its control field. */
    private void transfer() {
        long request = dmaAddress;
        dmaAddress = 0;
        if (!ram.isRam(request, FwCfgDmaAccess.SIZE)) {
            if (ram.isRam(request, Integer.BYTES)) {
                FwCfgDmaAccess.writeControl(ram.slice(request, Integer.BYTES), FwCfgDmaAccess.ERROR);
            }
            return;
        }
        MemorySegment struct = ram.slice(request, FwCfgDmaAccess.SIZE);
        FwCfgDmaAccess access = FwCfgDmaAccess.decode(struct);
        if ((access.control() & FwCfgDmaAccess.SELECT) != 0) {
            select(access.selector());
        }
        int control = access.control();
        boolean ok;
        if ((control & FwCfgDmaAccess.READ) != 0) {
            ok = read(access.address(), access.unsignedLength());
        } else if ((control & FwCfgDmaAccess.WRITE) != 0) {
            // Every item is read-only; QEMU refuses writes to such items the same way.
            ok = access.unsignedLength() == 0;
        } else if ((control & FwCfgDmaAccess.SKIP) != 0) {
            offset += access.unsignedLength();
            ok = true;
        } else {
            ok = true;
        }
        FwCfgDmaAccess.writeControl(struct, ok ? 0 : FwCfgDmaAccess.ERROR);
    }

    /** Copies the selected item from the data offset on to guest RAM, zero-filling past its end. */
    private boolean read(long address, long length) {
        if (length == 0) {
            return true;
        }
        if (!ram.isRam(address, length)) {
            return false;
        }
        try {
            MemorySegment target = ram.slice(address, length);
            byte[] item = items.raw(selector);
            long available = item == null ? 0 : Math.max(0, item.length - offset);
            long copied = Math.min(available, length);
            if (copied > 0) {
                MemorySegment.copy(item, (int) offset, target, ValueLayout.JAVA_BYTE, 0, (int) copied);
                offset += copied;
            }
            target.asSlice(copied).fill((byte) 0);
            return true;
        } catch (GuestMemoryException e) {
            return false;
        }
    }
}
