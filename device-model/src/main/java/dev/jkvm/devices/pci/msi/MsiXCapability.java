package dev.jkvm.devices.pci.msi;

import static dev.jkvm.devices.pci.PciConfigRegisters.CAP_ID_MSIX;

import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.pci.PciConfigSpace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An MSI-X capability (PCI Local Bus 3.0 §6.8.2) with its table and pending bit array: the capability in config
 * space (table size, table and PBA location, the enable and function-mask bits) and the two BAR regions as
 * {@link BusDevice}s the owner places in its BARs. Each table entry owns an {@link MsiVector}; a guest write to an
 * entry's address or data routes the vector to the new message, and {@link #signal} fires it or, while masked,
 * records it in the PBA until unmasked.
 *
 * <p>Thread safety: {@link #signal} comes from I/O threads, table and config writes from vCPU threads; one lock
 * guards the table, and vectors fire after it is released. The config-space watcher runs under the config space's
 * lock and then takes this one; nothing here takes the config space's lock, so the order is fixed.
 */
public final class MsiXCapability implements AutoCloseable {
    /** Bytes of the capability: header, message control, table offset/BIR, PBA offset/BIR. */
    public static final int CAPABILITY_LENGTH = 12;
    /** Offset of message control in the capability. */
    public static final int MESSAGE_CONTROL = 2;
    /** Offset of the table offset/BIR register in the capability. */
    public static final int TABLE_OFFSET_BIR = 4;
    /** Offset of the PBA offset/BIR register in the capability. */
    public static final int PBA_OFFSET_BIR = 8;
    /** Message control bit 15: MSI-X enable. */
    public static final int CONTROL_ENABLE = 1 << 15;
    /** Message control bit 14: function mask, masks every vector. */
    public static final int CONTROL_FUNCTION_MASK = 1 << 14;
    /** Entry offset of message address bits 31:0. */
    public static final int ENTRY_ADDRESS_LOW = 0;
    /** Entry offset of message address bits 63:32. */
    public static final int ENTRY_ADDRESS_HIGH = 4;
    /** Entry offset of message data. */
    public static final int ENTRY_DATA = 8;
    /** Entry offset of vector control. */
    public static final int ENTRY_VECTOR_CONTROL = 12;
    /** Vector control bit 0: this vector is masked. */
    public static final int VECTOR_MASKED = 1;
    /** Message address bits 1:0 are reserved: messages are dword writes. */
    private static final long ADDRESS_ALIGNMENT_BITS = 0x3;
    /** Bytes of a dword, the unit every table field is. */
    private static final int DWORD = 4;

    private final ReentrantLock lock = new ReentrantLock();
    private final MsiXLayout layout;
    private final PciConfigSpace config;
    private final int capability;
    private final List<MsiVector> vectors;
    private final long[] addresses;
    private final int[] data;
    private final boolean[] masked;
    private final long[] pending;
    private final BusDevice table = new Table();
    private final BusDevice pba = new PendingBits();
    private boolean enabled;
    private boolean functionMasked;

    /**
     * Adds the capability to {@code config} and creates one vector per entry, named "{@code name} vector n".
     * Every entry starts masked, as the specification requires after reset.
     */
    public MsiXCapability(PciConfigSpace config, String name, MsiXLayout layout, MsiVectorFactory factory) {
        this.config = Objects.requireNonNull(config, "config");
        this.layout = Objects.requireNonNull(layout, "layout");
        int size = layout.tableSize();
        this.addresses = new long[size];
        this.data = new int[size];
        this.masked = new boolean[size];
        this.pending = new long[Math.ceilDiv(size, Long.SIZE)];
        Arrays.fill(masked, true);
        List<MsiVector> created = new ArrayList<>(size);
        try {
            for (int i = 0; i < size; i++) {
                created.add(Objects.requireNonNull(factory.create(name + " vector " + i), "vector"));
            }
        } catch (RuntimeException e) {
            created.forEach(MsiVector::close);
            throw e;
        }
        this.vectors = List.copyOf(created);
        this.capability = config.addCapability(CAP_ID_MSIX, CAPABILITY_LENGTH);
        config.load(capability + MESSAGE_CONTROL, 2, size - 1);
        config.load(capability + TABLE_OFFSET_BIR, 4, layout.tableOffset() | layout.tableBar());
        config.load(capability + PBA_OFFSET_BIR, 4, layout.pbaOffset() | layout.pbaBar());
        config.setWritable(capability + MESSAGE_CONTROL, 2, CONTROL_ENABLE | CONTROL_FUNCTION_MASK);
        config.watch(capability + MESSAGE_CONTROL, 2, this::messageControlWritten);
    }

    public MsiXLayout layout() {
        return layout;
    }

    /** Config-space offset of the capability. */
    public int capabilityOffset() {
        return capability;
    }

    /** The table, for the BAR the layout names at its table offset. */
    public BusDevice table() {
        return table;
    }

    /** The pending bit array (read-only), for the BAR the layout names at its PBA offset. */
    public BusDevice pba() {
        return pba;
    }

    /** Whether the guest enabled MSI-X (so the function must not use INTx). */
    public boolean enabled() {
        lock.lock();
        try {
            return enabled;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Raises vector {@code entry}: false when MSI-X is disabled (the caller uses INTx instead); otherwise sends the
     * message, or sets the entry's pending bit when it or the whole function is masked, and returns true.
     */
    public boolean signal(int entry) {
        Objects.checkIndex(entry, layout.tableSize());
        lock.lock();
        try {
            if (!enabled) {
                return false;
            }
            if (functionMasked || masked[entry]) {
                pending[entry / Long.SIZE] |= 1L << entry;
                return true;
            }
        } finally {
            lock.unlock();
        }
        vectors.get(entry).fire();
        return true;
    }

    /** Whether {@code entry}'s pending bit is set. */
    public boolean isPending(int entry) {
        Objects.checkIndex(entry, layout.tableSize());
        lock.lock();
        try {
            return (pending[entry / Long.SIZE] & 1L << entry) != 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        vectors.forEach(MsiVector::close);
    }

    private void messageControlWritten() {
        int control = config.read(capability + MESSAGE_CONTROL, 2);
        List<MsiVector> toFire;
        lock.lock();
        try {
            enabled = (control & CONTROL_ENABLE) != 0;
            functionMasked = (control & CONTROL_FUNCTION_MASK) != 0;
            toFire = deliverable();
        } finally {
            lock.unlock();
        }
        toFire.forEach(MsiVector::fire);
    }

    /** Entries now pending but no longer masked: their pending bits are cleared and they are returned to fire. */
    private List<MsiVector> deliverable() {
        List<MsiVector> ready = new ArrayList<>();
        if (!enabled || functionMasked) {
            return ready;
        }
        for (int entry = 0; entry < layout.tableSize(); entry++) {
            long bit = 1L << entry;
            if (!masked[entry] && (pending[entry / Long.SIZE] & bit) != 0) {
                pending[entry / Long.SIZE] &= ~bit;
                ready.add(vectors.get(entry));
            }
        }
        return ready;
    }

    private int readField(int entry, int field) {
        return switch (field) {
            case ENTRY_ADDRESS_LOW -> (int) addresses[entry];
            case ENTRY_ADDRESS_HIGH -> (int) (addresses[entry] >>> 32);
            case ENTRY_DATA -> data[entry];
            default -> masked[entry] ? VECTOR_MASKED : 0;
        };
    }

    /** Stores one table dword; returns the vectors that became deliverable. */
    private List<MsiVector> writeField(int entry, int field, int value) {
        long oldAddress = addresses[entry];
        int oldData = data[entry];
        switch (field) {
            case ENTRY_ADDRESS_LOW -> addresses[entry] = (oldAddress & ~0xFFFF_FFFFL)
                    | (Integer.toUnsignedLong(value) & ~ADDRESS_ALIGNMENT_BITS);
            case ENTRY_ADDRESS_HIGH -> addresses[entry] = (oldAddress & 0xFFFF_FFFFL) | (long) value << 32;
            case ENTRY_DATA -> data[entry] = value;
            default -> {
                masked[entry] = (value & VECTOR_MASKED) != 0;
                return deliverable();
            }
        }
        if (addresses[entry] != oldAddress || data[entry] != oldData) {
            vectors.get(entry).route(new MsiMessage(addresses[entry], data[entry]));
        }
        return List.of();
    }

    private final class Table implements BusDevice {
        @Override
        public long read(long offset, int size) {
            if (size == Long.BYTES) {
                return Integer.toUnsignedLong(readDword(offset)) | Integer.toUnsignedLong(readDword(offset + DWORD)) << 32;
            }
            int shift = (int) (offset % DWORD) * Byte.SIZE;
            long mask = (1L << (size * Byte.SIZE)) - 1;
            return (Integer.toUnsignedLong(readDword(offset - offset % DWORD)) >>> shift) & mask;
        }

        @Override
        public void write(long offset, int size, long value) {
            if (size == Long.BYTES) {
                writeDword(offset, (int) value);
                writeDword(offset + DWORD, (int) (value >>> 32));
                return;
            }
            // Narrower writes merge into their dword; the specification leaves them undefined, this keeps them harmless.
            long dword = offset - offset % DWORD;
            int shift = (int) (offset % DWORD) * Byte.SIZE;
            int mask = (int) ((1L << (size * Byte.SIZE)) - 1) << shift;
            int merged = (readDword(dword) & ~mask) | (((int) value << shift) & mask);
            writeDword(dword, merged);
        }

        private int readDword(long offset) {
            if (offset < 0 || offset >= layout.tableLength()) {
                return 0;
            }
            lock.lock();
            try {
                return readField((int) (offset / MsiXLayout.ENTRY_SIZE), (int) (offset % MsiXLayout.ENTRY_SIZE));
            } finally {
                lock.unlock();
            }
        }

        private void writeDword(long offset, int value) {
            if (offset < 0 || offset >= layout.tableLength()) {
                return;
            }
            List<MsiVector> toFire;
            lock.lock();
            try {
                toFire = writeField((int) (offset / MsiXLayout.ENTRY_SIZE), (int) (offset % MsiXLayout.ENTRY_SIZE), value);
            } finally {
                lock.unlock();
            }
            toFire.forEach(MsiVector::fire);
        }
    }

    private final class PendingBits implements BusDevice {
        @Override
        public long read(long offset, int size) {
            if (offset < 0 || offset + size > layout.pbaLength()) {
                return 0;
            }
            long qword;
            lock.lock();
            try {
                qword = pending[(int) (offset / Long.BYTES)];
            } finally {
                lock.unlock();
            }
            long shifted = qword >>> ((offset % Long.BYTES) * Byte.SIZE);
            return size == Long.BYTES ? shifted : shifted & ((1L << (size * Byte.SIZE)) - 1);
        }

        @Override
        public void write(long offset, int size, long value) {
            // Read-only: the pending bits belong to the function.
        }
    }
}
