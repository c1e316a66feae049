package dev.jkvm.devices.pci;

/** Offsets and bits of the type-0 configuration header (PCI Local Bus Specification 3.0, §6.1–6.2). */
public final class PciConfigRegisters {
    /** Vendor ID, 16 bits. */
    public static final int VENDOR_ID = 0x00;
    /** Device ID, 16 bits. */
    public static final int DEVICE_ID = 0x02;
    /** Command register, 16 bits. */
    public static final int COMMAND = 0x04;
    /** Status register, 16 bits. */
    public static final int STATUS = 0x06;
    /** Revision ID, 8 bits. */
    public static final int REVISION_ID = 0x08;
    /** Class code, 24 bits: programming interface, sub-class, base class. */
    public static final int CLASS_CODE = 0x09;
    /** Cache line size, 8 bits, written by firmware and kept. */
    public static final int CACHE_LINE_SIZE = 0x0C;
    /** Header type, 8 bits: layout in bits 6:0, multi-function in bit 7. */
    public static final int HEADER_TYPE = 0x0E;
    /** First base address register; BAR n is at BAR0 + 4n. */
    public static final int BAR0 = 0x10;
    /** Number of BAR registers in a type-0 header. */
    public static final int BAR_COUNT = 6;
    /** Subsystem vendor ID, 16 bits. */
    public static final int SUBSYSTEM_VENDOR_ID = 0x2C;
    /** Subsystem ID, 16 bits. */
    public static final int SUBSYSTEM_ID = 0x2E;
    /** Capabilities pointer, 8 bits, valid when STATUS_CAPABILITIES_LIST is set. */
    public static final int CAPABILITIES_POINTER = 0x34;
    /** Interrupt line, 8 bits: scratch for the OS, hardware ignores it. */
    public static final int INTERRUPT_LINE = 0x3C;
    /** Interrupt pin, 8 bits: 0 none, 1..4 INTA#..INTD#. */
    public static final int INTERRUPT_PIN = 0x3D;
    /** First byte after the standard header, where capabilities may start. */
    public static final int HEADER_END = 0x40;
    /** End of the conventional 256-byte configuration space; capabilities live below it. */
    public static final int CONVENTIONAL_SPACE_END = 0x100;

    /** Command bit 0: respond to I/O-space accesses. */
    public static final int COMMAND_IO_SPACE = 1;
    /** Command bit 1: respond to memory-space accesses. */
    public static final int COMMAND_MEMORY_SPACE = 1 << 1;
    /** Command bit 2: the function may master the bus (DMA, MSI writes). */
    public static final int COMMAND_BUS_MASTER = 1 << 2;
    /** Command bit 10: the function must not assert INTx#. */
    public static final int COMMAND_INTX_DISABLE = 1 << 10;

    /** Status bit 3: the function has an INTx# interrupt pending (read-only). */
    public static final int STATUS_INTERRUPT = 1 << 3;
    /** Status bit 4: the capabilities pointer is valid (read-only). */
    public static final int STATUS_CAPABILITIES_LIST = 1 << 4;
    /** Status bits 8 and 11–15: error bits, cleared by writing 1. */
    public static final int STATUS_ERROR_BITS = 0xF900;

    /** Header type 0: a general device (not a bridge). */
    public static final int HEADER_TYPE_GENERAL = 0x00;

    /** BAR bit 0: an I/O BAR. */
    public static final int BAR_IO_SPACE = 0x1;
    /** Memory BAR bits 2:1 = 10b: a 64-bit BAR. */
    public static final int BAR_MEMORY_64 = 0x4;
    /** Memory BAR bit 3: prefetchable. */
    public static final int BAR_PREFETCHABLE = 0x8;
    /** Read-only type bits at the bottom of a memory BAR. */
    public static final int BAR_MEMORY_TYPE_BITS = 0xF;
    /** Read-only type bits at the bottom of an I/O BAR. */
    public static final int BAR_IO_TYPE_BITS = 0x3;

    /** Capability ID of a vendor-specific capability (virtio uses it). */
    public static final int CAP_ID_VENDOR = 0x09;
    /** Capability ID of MSI-X. */
    public static final int CAP_ID_MSIX = 0x11;

    /** Interrupt pin value for INTA#. */
    public static final int PIN_INTA = 1;

    private PciConfigRegisters() {
    }

    /** Config-space offset of BAR register {@code index}. */
    public static int barOffset(int index) {
        return BAR0 + 4 * index;
    }
}
