package dev.jkvm.core.x86.mptable;

import dev.jkvm.core.x86.acpi.PcAcpi;
import dev.jkvm.core.x86.acpi.PcInterruptWiring;
import dev.jkvm.devices.pci.PciInterruptRouting;
import dev.jkvm.devices.pci.PciRootBus;

import java.util.ArrayList;
import java.util.List;

/**
 * jkvm's MP table, for OSes that boot without ACPI: one processor entry per vCPU, PCI bus 0 and the ISA bus, the
 * I/O APIC, the ISA IRQs on the same pins the MADT gives them (IRQ0 on pin 2, no entry for the cascade IRQ2, the
 * SCI level and active high), every PCI slot's INTA#–INTD# on the GSI the DSDT's _PRT gives it (level, active
 * low), ExtINT on the boot processor's LINT0 and NMI on every LINT1 — the layout SeaBIOS gives QEMU guests.
 * The processor entries have 8-bit APIC IDs; vCPUs whose APIC ID is above 254 exist only in the MADT.
 */
public final class PcMpTable {
    /** OEM ID in the configuration table header. */
    public static final String OEM_ID = "JKVM";
    /** Product ID in the configuration table header. */
    public static final String PRODUCT_ID = "jkvm PC";
    /** Version of KVM's in-kernel local APIC (an integrated APIC, 0x14 in its version register). */
    public static final int LOCAL_APIC_VERSION = 0x14;
    /** Version of KVM's in-kernel I/O APIC (0x11 in its version register). */
    public static final int IO_APIC_VERSION = 0x11;
    /** CPU signature (family 6) SeaBIOS reports when it has none better. */
    public static final int CPU_SIGNATURE = 0x600;
    /** Feature flags (CPUID.1:EDX FPU and APIC) SeaBIOS reports when it has none better. */
    public static final int CPU_FEATURES = 0x201;
    /** Bus ID of PCI bus 0: MP bus IDs of PCI buses are their bus numbers. */
    public static final int PCI_BUS_ID = 0;
    /** Bus ID of the ISA bus, numbered after the PCI bus as SeaBIOS does. */
    public static final int ISA_BUS_ID = PCI_BUS_ID + 1;
    /** PCI INTx flags: level-triggered, active low. */
    public static final int PCI_INTX_FLAGS = MpEntry.PO_ACTIVE_LOW | MpEntry.EL_LEVEL;
    /** A PCI source bus IRQ holds the device number from this bit up, the INTx pin (0 = INTA#) below it. */
    public static final int PCI_IRQ_DEVICE_SHIFT = 2;

    private PcMpTable() {
    }

    /** The MP table for processors with {@code apicIds} (the first is the boot processor). */
    public static MpTable build(List<Integer> apicIds, long floatingPointerAddress, long configTableAddress) {
        if (floatingPointerAddress % MpFloatingPointer.ALIGNMENT != 0) {
            throw new IllegalArgumentException("MP floating pointer address 0x"
                    + Long.toHexString(floatingPointerAddress) + " is not 16-byte aligned");
        }
        if (apicIds.isEmpty() || apicIds.getFirst() > MpEntry.MAX_APIC_ID) {
            throw new IllegalArgumentException("the boot processor's APIC ID must fit an MP table entry: " + apicIds);
        }
        byte[] config = configTable(apicIds).toBytes();
        return new MpTable(floatingPointerAddress, new MpFloatingPointer(configTableAddress).toBytes(),
                configTableAddress, config);
    }

    /** The configuration table's contents. */
    public static MpConfigTable configTable(List<Integer> apicIds) {
        List<MpEntry> entries = new ArrayList<>();
        for (int i = 0; i < apicIds.size(); i++) {
            int apicId = apicIds.get(i);
            if (apicId <= MpEntry.MAX_APIC_ID) {
                entries.add(new MpEntry.Processor(apicId, LOCAL_APIC_VERSION, true, i == 0, CPU_SIGNATURE, CPU_FEATURES));
            }
        }
        entries.add(new MpEntry.Bus(PCI_BUS_ID, MpEntry.Bus.PCI));
        entries.add(new MpEntry.Bus(ISA_BUS_ID, MpEntry.Bus.ISA));
        entries.add(new MpEntry.IoApic(PcAcpi.IO_APIC_ID, IO_APIC_VERSION, true, PcAcpi.IO_APIC_ADDRESS));
        for (int irq : PcInterruptWiring.connectedIrqs()) {
            int flags = PcInterruptWiring.levelTriggered(irq)
                    ? MpEntry.PO_ACTIVE_HIGH | MpEntry.EL_LEVEL
                    : MpEntry.PO_CONFORMS | MpEntry.EL_CONFORMS;
            entries.add(new MpEntry.IoInterrupt(MpEntry.INT, flags, ISA_BUS_ID, irq, PcAcpi.IO_APIC_ID,
                    PcInterruptWiring.ioApicPin(irq)));
        }
        for (int slot = 0; slot < PciRootBus.SLOT_COUNT; slot++) {
            for (int pin = 0; pin < PciInterruptRouting.PIN_COUNT; pin++) {
                entries.add(new MpEntry.IoInterrupt(MpEntry.INT, PCI_INTX_FLAGS, PCI_BUS_ID,
                        slot << PCI_IRQ_DEVICE_SHIFT | pin, PcAcpi.IO_APIC_ID, PciInterruptRouting.gsi(slot, pin)));
            }
        }
        entries.add(new MpEntry.LocalInterrupt(MpEntry.EXTINT, MpEntry.PO_CONFORMS | MpEntry.EL_CONFORMS, ISA_BUS_ID,
                0, apicIds.getFirst(), PcInterruptWiring.EXTINT_LINT));
        entries.add(new MpEntry.LocalInterrupt(MpEntry.NMI, MpEntry.PO_CONFORMS | MpEntry.EL_CONFORMS, ISA_BUS_ID,
                0, MpEntry.ALL_LOCAL_APICS, PcInterruptWiring.NMI_LINT));
        return new MpConfigTable(OEM_ID, PRODUCT_ID, PcAcpi.LOCAL_APIC_ADDRESS, entries);
    }
}
