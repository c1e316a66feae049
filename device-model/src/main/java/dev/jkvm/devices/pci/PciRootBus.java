package dev.jkvm.devices.pci;

import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.irq.InterruptLine;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * PCI bus 0 behind the host bridge, with both ways a PC reaches configuration space: configuration mechanism #1
 * (the CONFIG_ADDRESS register at 0xCF8 and the CONFIG_DATA window at 0xCFC, PCI Local Bus 3.0 §3.2.2.3.2) and
 * the PCI Express enhanced configuration access mechanism (ECAM, 1 MiB per bus). Only function 0 of each slot is
 * populated; absent functions, slots and buses read all-ones and ignore writes, as a master abort does.
 */
public final class PciRootBus {
    /** Port of CONFIG_ADDRESS; register it with length {@link #CONFIG_ADDRESS_LENGTH} (0xCF9 is the reset register). */
    public static final int CONFIG_ADDRESS_PORT = 0xCF8;
    /** Ports the CONFIG_ADDRESS device is registered with: a dword access at 0xCF8 arrives as offset 0, size 4. */
    public static final int CONFIG_ADDRESS_LENGTH = 1;
    /** Port of CONFIG_DATA, a dword window onto the addressed register. */
    public static final int CONFIG_DATA_PORT = 0xCFC;
    /** Ports CONFIG_DATA spans (byte and word accesses pick lanes within the dword). */
    public static final int CONFIG_DATA_LENGTH = 4;
    /** Guest-physical base of the ECAM window, as the ACPI MCFG table states. */
    public static final long ECAM_BASE = 0xE000_0000L;
    /** Buses ECAM covers: 0..255. */
    public static final int BUS_COUNT = 256;
    /** ECAM bytes per bus: 32 devices × 8 functions × 4 KiB. */
    public static final long ECAM_BUS_SIZE = 1 << 20;
    /** Size of the ECAM window. */
    public static final long ECAM_SIZE = BUS_COUNT * ECAM_BUS_SIZE;
    /** Device numbers on a bus. */
    public static final int SLOT_COUNT = 32;
    /** Function numbers per device. */
    public static final int FUNCTION_COUNT = 8;

    /** CONFIG_ADDRESS bit 31: CONFIG_DATA accesses reach configuration space. */
    private static final int ADDRESS_ENABLE = 1 << 31;
    /** CONFIG_ADDRESS bits that hold a value: enable, bus, device, function, register (30:24 and 1:0 reserved). */
    private static final int ADDRESS_WRITABLE = 0x80FF_FFFC;
    /** CONFIG_ADDRESS bits 7:2, the dword register number (mechanism #1 reaches the first 256 bytes only). */
    private static final int ADDRESS_REGISTER = 0xFC;
    /** The only bus with devices. */
    private static final int ROOT_BUS = 0;
    /** The only function a slot holds. */
    private static final int FUNCTION_0 = 0;
    /** Bytes in the dword CONFIG_ADDRESS and CONFIG_DATA registers. */
    private static final int DWORD = 4;
    /** ECAM register-offset bits within a function. */
    private static final int ECAM_REGISTER_MASK = PciDevice.CONFIG_SPACE_SIZE - 1;

    private final AtomicReferenceArray<PciDevice> slots = new AtomicReferenceArray<>(SLOT_COUNT);
    private final BusDevice configAddressPort = new ConfigAddressPort();
    private final BusDevice configDataPort = new ConfigDataPort();
    private final BusDevice ecam = new Ecam();
    /** CONFIG_ADDRESS: one register for all vCPUs, as on the chipset; guests serialise their address/data pairs. */
    private volatile int configAddress;

    /**
     * Puts {@code device} in {@code slot} as function 0 and attaches it: its BARs go through {@code mapper} and
     * its INTx pin drives {@code intx} (compute the line with {@link PciInterruptRouting#gsi}).
     */
    public void plug(int slot, PciDevice device, PciBarMapper mapper, InterruptLine intx) {
        Objects.checkIndex(slot, SLOT_COUNT);
        Objects.requireNonNull(device, "device");
        if (!slots.compareAndSet(slot, null, device)) {
            throw new IllegalStateException("PCI slot %d already holds %s".formatted(slot, slots.get(slot)));
        }
        device.attach(mapper, intx);
    }

    /** The function in {@code slot}, if any. */
    public Optional<PciDevice> device(int slot) {
        Objects.checkIndex(slot, SLOT_COUNT);
        return Optional.ofNullable(slots.get(slot));
    }

    /** CONFIG_ADDRESS at {@link #CONFIG_ADDRESS_PORT}: dword accesses only; byte and word accesses read all-ones and are dropped. */
    public BusDevice configAddressPort() {
        return configAddressPort;
    }

    /** CONFIG_DATA at {@link #CONFIG_DATA_PORT}..0xCFF. */
    public BusDevice configDataPort() {
        return configDataPort;
    }

    /** The ECAM window, to register at {@link #ECAM_BASE} with length {@link #ECAM_SIZE}. */
    public BusDevice ecam() {
        return ecam;
    }

    /** A configuration read as a bus master would see it: all-ones from any function that is not there. */
    public int read(int bus, int slot, int function, int register, int size) {
        PciDevice device = find(bus, slot, function);
        if (device == null) {
            return (int) allOnes(size);
        }
        if (register % size == 0) {
            return device.configRead(register, size);
        }
        // Devices take naturally aligned accesses only: a misaligned one is done a byte at a time.
        int value = 0;
        for (int i = 0; i < size; i++) {
            int lane = register + i < PciDevice.CONFIG_SPACE_SIZE ? device.configRead(register + i, 1) : 0xFF;
            value |= lane << (Byte.SIZE * i);
        }
        return value;
    }

    /** A configuration write; dropped when the function is not there. */
    public void write(int bus, int slot, int function, int register, int size, int value) {
        PciDevice device = find(bus, slot, function);
        if (device == null) {
            return;
        }
        if (register % size == 0) {
            device.configWrite(register, size, value);
            return;
        }
        for (int i = 0; i < size && register + i < PciDevice.CONFIG_SPACE_SIZE; i++) {
            device.configWrite(register + i, 1, (value >>> (Byte.SIZE * i)) & 0xFF);
        }
    }

    private PciDevice find(int bus, int slot, int function) {
        if (bus != ROOT_BUS || function != FUNCTION_0 || slot < 0 || slot >= SLOT_COUNT) {
            return null;
        }
        return slots.get(slot);
    }

    private static long allOnes(int size) {
        return size >= Long.BYTES ? -1L : (1L << (Byte.SIZE * size)) - 1;
    }

    private final class ConfigAddressPort implements BusDevice {
        @Override
        public long read(long offset, int size) {
            return offset == 0 && size == DWORD ? Integer.toUnsignedLong(configAddress) : allOnes(size);
        }

        @Override
        public void write(long offset, int size, long value) {
            // Chipsets only latch a dword at 0xCF8; narrower writes there go elsewhere (0xCF9 is the reset register).
            if (offset == 0 && size == DWORD) {
                configAddress = (int) value & ADDRESS_WRITABLE;
            }
        }
    }

    private final class ConfigDataPort implements BusDevice {
        @Override
        public long read(long offset, int size) {
            int address = configAddress;
            if ((address & ADDRESS_ENABLE) == 0 || offset + size > DWORD) {
                return allOnes(size);
            }
            return Integer.toUnsignedLong(PciRootBus.this.read(bus(address), slot(address), function(address),
                    (address & ADDRESS_REGISTER) + (int) offset, size));
        }

        @Override
        public void write(long offset, int size, long value) {
            int address = configAddress;
            if ((address & ADDRESS_ENABLE) == 0 || offset + size > DWORD) {
                return;
            }
            PciRootBus.this.write(bus(address), slot(address), function(address),
                    (address & ADDRESS_REGISTER) + (int) offset, size, (int) value);
        }

        private static int bus(int address) {
            return (address >>> 16) & 0xFF;
        }

        private static int slot(int address) {
            return (address >>> 11) & (SLOT_COUNT - 1);
        }

        private static int function(int address) {
            return (address >>> 8) & (FUNCTION_COUNT - 1);
        }
    }

    private final class Ecam implements BusDevice {
        @Override
        public long read(long offset, int size) {
            if (size == Long.BYTES) {
                return Integer.toUnsignedLong(readDword(offset)) | Integer.toUnsignedLong(readDword(offset + DWORD)) << 32;
            }
            if (offset < 0 || offset + size > ECAM_SIZE) {
                return allOnes(size);
            }
            return Integer.toUnsignedLong(PciRootBus.this.read(bus(offset), slot(offset), function(offset),
                    register(offset), size));
        }

        @Override
        public void write(long offset, int size, long value) {
            if (size == Long.BYTES) {
                write(offset, DWORD, value & 0xFFFF_FFFFL);
                write(offset + DWORD, DWORD, value >>> 32);
                return;
            }
            if (offset < 0 || offset + size > ECAM_SIZE) {
                return;
            }
            PciRootBus.this.write(bus(offset), slot(offset), function(offset), register(offset), size, (int) value);
        }

        private int readDword(long offset) {
            return (int) read(offset, DWORD);
        }

        private static int bus(long offset) {
            return (int) (offset >>> 20) & (BUS_COUNT - 1);
        }

        private static int slot(long offset) {
            return (int) (offset >>> 15) & (SLOT_COUNT - 1);
        }

        private static int function(long offset) {
            return (int) (offset >>> 12) & (FUNCTION_COUNT - 1);
        }

        private static int register(long offset) {
            return (int) offset & ECAM_REGISTER_MASK;
        }
    }
}
