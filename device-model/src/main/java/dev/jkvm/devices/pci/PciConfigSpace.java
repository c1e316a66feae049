package dev.jkvm.devices.pci;

import static dev.jkvm.devices.pci.PciConfigRegisters.*;

import dev.jkvm.devices.irq.InterruptLine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The 4 KiB configuration space of one type-0 function: a byte array with a per-bit write mask and per-bit
 * write-1-to-clear mask for every byte, so read-only, read-write and RW1C fields all follow from how the owner
 * declared them. The header (identity, command, status, interrupt line/pin, capabilities pointer), the BAR
 * registers with their sizing protocol, and a chain of capabilities are built here; the owning device adds its
 * capability bodies through {@link #addCapability}, {@link #load} and {@link #setWritable}.
 *
 * <p>BAR decoding follows the command register: whenever a BAR's decoded address changes (a BAR write while its
 * decode is enabled, or the IO/MEM bit flipping) the {@link PciBarMapper} hears unmap then map. A BAR is mapped
 * only with its decode enabled, a non-zero address, and not in the all-ones sizing state.
 *
 * <p>Thread safety: one lock guards every byte. {@linkplain #watch Watchers}, the mapper and the INTx line run
 * with it held, so none of them may wait for another thread that itself touches this config space.
 */
public final class PciConfigSpace {
    /** Bytes of configuration space, conventional plus extended. */
    public static final int SIZE = PciDevice.CONFIG_SPACE_SIZE;
    /** A BAR that is not decoding. */
    public static final long UNMAPPED = -1;

    /** Capability header bytes: ID and next pointer. */
    private static final int CAPABILITY_HEADER_SIZE = 2;
    /** Capabilities start on dword boundaries (the low two bits of a pointer are reserved). */
    private static final int CAPABILITY_ALIGNMENT = 4;
    /** Offset of the next-pointer byte within a capability. */
    private static final int CAPABILITY_NEXT = 1;
    /** Every bit writable, for a whole byte. */
    private static final int BYTE_WRITABLE = 0xFF;
    /** Command bits a guest can change: decode enables, bus mastering and INTx disable. */
    private static final int COMMAND_WRITABLE =
            COMMAND_IO_SPACE | COMMAND_MEMORY_SPACE | COMMAND_BUS_MASTER | COMMAND_INTX_DISABLE;
    /** I/O addresses an x86 port bus decodes: 64 KiB. */
    private static final long IO_SPACE_SIZE = 0x1_0000;
    /** A BAR high dword after the sizing write. */
    private static final int ALL_ONES = 0xFFFF_FFFF;
    /** The mapper before {@link #attach}: BAR decode state is tracked, nothing is told. */
    private static final PciBarMapper DETACHED_MAPPER = new PciBarMapper() {
        @Override
        public void map(PciBar bar, long address) {
        }

        @Override
        public void unmap(PciBar bar) {
        }
    };
    /** The INTx line before {@link #attach}. */
    private static final InterruptLine DETACHED_LINE = asserted -> { };

    private final ReentrantLock lock = new ReentrantLock();
    private final byte[] data = new byte[SIZE];
    private final byte[] writable = new byte[SIZE];
    private final byte[] writeOneToClear = new byte[SIZE];
    private final List<PciBar> bars;
    /** Where each of {@link #bars} decodes now, or {@link #UNMAPPED}. */
    private final long[] mapped;
    private final List<Watch> watches = new ArrayList<>();
    private PciBarMapper mapper = DETACHED_MAPPER;
    private InterruptLine intx = DETACHED_LINE;
    private int lastCapability;
    private int nextCapability = HEADER_END;
    private boolean interruptPending;
    private boolean lineAsserted;

    private record Watch(int offset, int length, Runnable listener) {
    }

    /**
     * @param identity the read-only identity fields
     * @param bars the BARs the function implements, in index order; a 64-bit BAR also occupies index + 1
     */
    public PciConfigSpace(PciIdentity identity, List<PciBar> bars) {
        this.bars = List.copyOf(bars);
        this.mapped = new long[this.bars.size()];
        Arrays.fill(mapped, UNMAPPED);
        put(VENDOR_ID, 2, identity.vendorId());
        put(DEVICE_ID, 2, identity.deviceId());
        put(REVISION_ID, 1, identity.revision());
        put(CLASS_CODE, 3, identity.classCode());
        put(HEADER_TYPE, 1, HEADER_TYPE_GENERAL);
        put(SUBSYSTEM_VENDOR_ID, 2, identity.subsystemVendorId());
        put(SUBSYSTEM_ID, 2, identity.subsystemId());
        put(INTERRUPT_PIN, 1, identity.interruptPin());
        mask(writable, COMMAND, 2, COMMAND_WRITABLE);
        mask(writeOneToClear, STATUS, 2, STATUS_ERROR_BITS);
        mask(writable, CACHE_LINE_SIZE, 1, BYTE_WRITABLE);
        mask(writable, INTERRUPT_LINE, 1, BYTE_WRITABLE);
        declareBars();
    }

    private void declareBars() {
        boolean[] used = new boolean[BAR_COUNT];
        for (PciBar bar : bars) {
            int registers = bar.kind() == PciBarKind.MEMORY64 ? 2 : 1;
            if (bar.index() < 0 || bar.index() + registers > BAR_COUNT) {
                throw new IllegalArgumentException("BAR %d (%s) does not fit the six BAR registers".formatted(bar.index(), bar.kind()));
            }
            for (int r = bar.index(); r < bar.index() + registers; r++) {
                if (used[r]) {
                    throw new IllegalArgumentException("BAR register %d claimed twice (BAR %d %s)".formatted(r, bar.index(), bar.kind()));
                }
                used[r] = true;
            }
            long addressMask = ~(bar.size() - 1);
            int offset = barOffset(bar.index());
            switch (bar.kind()) {
                case IO -> {
                    if (bar.size() < 4 || bar.size() > IO_SPACE_SIZE / 2) {
                        throw new IllegalArgumentException("I/O BAR %d size %d outside 4..32768".formatted(bar.index(), bar.size()));
                    }
                    put(offset, 4, BAR_IO_SPACE);
                    mask(writable, offset, 4, (int) addressMask & ~BAR_IO_TYPE_BITS);
                }
                case MEMORY32 -> {
                    if (bar.size() > 1L << 31) {
                        throw new IllegalArgumentException("32-bit BAR %d size 0x%x over 2 GiB".formatted(bar.index(), bar.size()));
                    }
                    put(offset, 4, bar.prefetchable() ? BAR_PREFETCHABLE : 0);
                    mask(writable, offset, 4, (int) addressMask & ~BAR_MEMORY_TYPE_BITS);
                }
                case MEMORY64 -> {
                    put(offset, 4, BAR_MEMORY_64 | (bar.prefetchable() ? BAR_PREFETCHABLE : 0));
                    mask(writable, offset, 4, (int) addressMask & ~BAR_MEMORY_TYPE_BITS);
                    mask(writable, offset + 4, 4, (int) (addressMask >>> 32));
                }
            }
        }
    }

    /** The BARs this function implements. */
    public List<PciBar> bars() {
        return bars;
    }

    /** From now on BAR decode changes go to {@code mapper} and INTx drives {@code line}; BARs already decoding are mapped. */
    public void attach(PciBarMapper mapper, InterruptLine line) {
        lock.lock();
        try {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            this.intx = Objects.requireNonNull(line, "intx");
            Arrays.fill(mapped, UNMAPPED);
            updateDecoding();
            lineAsserted = false;
            updateIntx();
        } finally {
            lock.unlock();
        }
    }

    /** Guest read: little-endian, zero-extended; offsets past the 4 KiB read as zero. */
    public int read(int offset, int size) {
        checkAccess("read", offset, size);
        lock.lock();
        try {
            return get(offset, size);
        } finally {
            lock.unlock();
        }
    }

    /** Guest write: only writable bits change, RW1C bits clear where a 1 is written; BAR decoding follows. */
    public void write(int offset, int size, int value) {
        checkAccess("write", offset, size);
        lock.lock();
        try {
            for (int i = 0; i < size; i++) {
                int at = offset + i;
                int written = (value >>> (Byte.SIZE * i)) & 0xFF;
                int old = data[at] & 0xFF;
                int updated = (old & ~writable[at]) | (written & writable[at]);
                updated &= ~(written & writeOneToClear[at]);
                data[at] = (byte) updated;
            }
            if (overlaps(offset, size, COMMAND, 2)) {
                updateIntx();
            }
            if (overlaps(offset, size, COMMAND, 2) || overlaps(offset, size, BAR0, 4 * BAR_COUNT)) {
                updateDecoding();
            }
            for (Watch watch : watches) {
                if (overlaps(offset, size, watch.offset(), watch.length())) {
                    watch.listener().run();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends a capability of {@code length} bytes (header included) to the chain and returns its offset. Its ID
     * is set and it is linked from the previous capability (or the capabilities pointer); the body reads as zero
     * and is read-only until the owner {@linkplain #load loads} and {@linkplain #setWritable opens} it.
     */
    public int addCapability(int id, int length) {
        if (length < CAPABILITY_HEADER_SIZE || (id & ~0xFF) != 0) {
            throw new IllegalArgumentException("capability 0x%x of %d bytes".formatted(id, length));
        }
        lock.lock();
        try {
            int offset = nextCapability;
            if (offset + length > CONVENTIONAL_SPACE_END) {
                throw new IllegalStateException("capability 0x%x of %d bytes does not fit below 0x100 (next free 0x%x)"
                        .formatted(id, length, offset));
            }
            put(offset, 1, id);
            put(offset + CAPABILITY_NEXT, 1, 0);
            if (lastCapability == 0) {
                put(CAPABILITIES_POINTER, 1, offset);
                put(STATUS, 2, get(STATUS, 2) | STATUS_CAPABILITIES_LIST);
            } else {
                put(lastCapability + CAPABILITY_NEXT, 1, offset);
            }
            lastCapability = offset;
            nextCapability = Math.ceilDiv(offset + length, CAPABILITY_ALIGNMENT) * CAPABILITY_ALIGNMENT;
            return offset;
        } finally {
            lock.unlock();
        }
    }

    /** Device-side store of {@code size} bytes, ignoring the write masks (for read-only fields and device state). */
    public void load(int offset, int size, int value) {
        checkAccess("load", offset, size);
        lock.lock();
        try {
            put(offset, size, value);
        } finally {
            lock.unlock();
        }
    }

    /** Makes the bits of {@code mask} guest-writable in the {@code size} bytes at {@code offset}. */
    public void setWritable(int offset, int size, int mask) {
        checkAccess("setWritable", offset, size);
        lock.lock();
        try {
            mask(writable, offset, size, mask);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code listener} after every guest write that touches [{@code offset}, {@code offset + length}), with
     * the new bytes in place and this config space's lock held.
     */
    public void watch(int offset, int length, Runnable listener) {
        checkAccess("watch", offset, 1);
        lock.lock();
        try {
            watches.add(new Watch(offset, length, Objects.requireNonNull(listener, "listener")));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The function's INTx state: sets or clears the status register's interrupt bit and drives the INTx line
     * accordingly, unless the command register's INTx-disable bit holds it deasserted.
     */
    public void setInterruptPending(boolean pending) {
        lock.lock();
        try {
            interruptPending = pending;
            int status = get(STATUS, 2);
            put(STATUS, 2, pending ? status | STATUS_INTERRUPT : status & ~STATUS_INTERRUPT);
            updateIntx();
        } finally {
            lock.unlock();
        }
    }

    /** The command register. */
    public int command() {
        return read(COMMAND, 2);
    }

    /** The address BAR {@code index} is programmed with (type bits stripped), whether or not it decodes. */
    public long barAddress(int index) {
        lock.lock();
        try {
            return programmedAddress(bar(index));
        } finally {
            lock.unlock();
        }
    }

    /** Where BAR {@code index} decodes now, or {@link #UNMAPPED}. */
    public long mappedAddress(int index) {
        lock.lock();
        try {
            return mapped[bars.indexOf(bar(index))];
        } finally {
            lock.unlock();
        }
    }

    private PciBar bar(int index) {
        return bars.stream().filter(b -> b.index() == index).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no BAR " + index));
    }

    private void updateIntx() {
        boolean level = interruptPending && (get(COMMAND, 2) & COMMAND_INTX_DISABLE) == 0;
        if (level != lineAsserted) {
            lineAsserted = level;
            intx.setLevel(level);
        }
    }

    private void updateDecoding() {
        int command = get(COMMAND, 2);
        for (int i = 0; i < bars.size(); i++) {
            PciBar bar = bars.get(i);
            long wanted = decodedAddress(bar, command);
            if (wanted == mapped[i]) {
                continue;
            }
            if (mapped[i] != UNMAPPED) {
                mapped[i] = UNMAPPED;
                mapper.unmap(bar);
            }
            if (wanted != UNMAPPED) {
                mapped[i] = wanted;
                mapper.map(bar, wanted);
            }
        }
    }

    private long decodedAddress(PciBar bar, int command) {
        int enable = bar.kind() == PciBarKind.IO ? COMMAND_IO_SPACE : COMMAND_MEMORY_SPACE;
        if ((command & enable) == 0) {
            return UNMAPPED;
        }
        int offset = barOffset(bar.index());
        int lowMask = get(offset, 4) & writableBits(offset);
        boolean sizing = writableBits(offset) != 0 && lowMask == writableBits(offset)
                || bar.kind() == PciBarKind.MEMORY64 && get(offset + 4, 4) == ALL_ONES;
        long address = programmedAddress(bar);
        if (sizing || address == 0) {
            return UNMAPPED;
        }
        return switch (bar.kind()) {
            case IO -> address + bar.size() <= IO_SPACE_SIZE ? address : UNMAPPED;
            case MEMORY32 -> address;
            case MEMORY64 -> address + bar.size() > address ? address : UNMAPPED;
        };
    }

    private long programmedAddress(PciBar bar) {
        int offset = barOffset(bar.index());
        long low = Integer.toUnsignedLong(get(offset, 4));
        return switch (bar.kind()) {
            case IO -> low & ~(long) BAR_IO_TYPE_BITS;
            case MEMORY32 -> low & ~(long) BAR_MEMORY_TYPE_BITS;
            case MEMORY64 -> (Integer.toUnsignedLong(get(offset + 4, 4)) << 32) | (low & ~(long) BAR_MEMORY_TYPE_BITS);
        };
    }

    private int writableBits(int offset) {
        int bits = 0;
        for (int i = 0; i < 4; i++) {
            bits |= (writable[offset + i] & 0xFF) << (Byte.SIZE * i);
        }
        return bits;
    }

    private int get(int offset, int size) {
        int value = 0;
        for (int i = 0; i < size; i++) {
            value |= (data[offset + i] & 0xFF) << (Byte.SIZE * i);
        }
        return value;
    }

    private void put(int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            data[offset + i] = (byte) (value >>> (Byte.SIZE * i));
        }
    }

    private static void mask(byte[] masks, int offset, int size, int bits) {
        for (int i = 0; i < size; i++) {
            masks[offset + i] = (byte) (bits >>> (Byte.SIZE * i));
        }
    }

    private static boolean overlaps(int offset, int size, int start, int length) {
        return offset < start + length && start < offset + size;
    }

    private static void checkAccess(String what, int offset, int size) {
        if (size < 1 || size > 4 || offset < 0 || offset + size > SIZE) {
            throw new IllegalArgumentException("config %s of %d bytes at 0x%x outside the 4 KiB space".formatted(what, size, offset));
        }
    }
}
