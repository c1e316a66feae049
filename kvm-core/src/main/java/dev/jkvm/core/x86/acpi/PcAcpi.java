package dev.jkvm.core.x86.acpi;

import dev.jkvm.core.x86.acpi.Aml.Device;
import dev.jkvm.core.x86.acpi.Aml.EisaId;
import dev.jkvm.core.x86.acpi.Aml.IntegerConst;
import dev.jkvm.core.x86.acpi.Aml.Name;
import dev.jkvm.core.x86.acpi.Aml.Package;
import dev.jkvm.core.x86.acpi.Aml.ResourceTemplate;
import dev.jkvm.core.x86.acpi.Aml.Scope;
import dev.jkvm.core.x86.acpi.Aml.StringConst;
import dev.jkvm.devices.acpi.Pm1Block;
import dev.jkvm.devices.fwcfg.FwCfg;
import dev.jkvm.devices.pci.PciBarAllocator;
import dev.jkvm.devices.pci.PciInterruptRouting;
import dev.jkvm.devices.pci.PciRootBus;
import dev.jkvm.devices.serial.Uart16550;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;

/**
 * jkvm's ACPI tables for its PC: RSDP → XSDT and RSDT → FADT (→ FACS, DSDT), MADT and MCFG, describing the
 * PIIX4-style PM1 block at 0x600, the SCI on IRQ 9, reset through port 0xCF9, one local APIC per vCPU, the I/O APIC
 * with QEMU's interrupt source overrides, ECAM for PCI segment 0, and a DSDT with COM1, the fw_cfg device, the PCI
 * host bridge with its interrupt routing, and the \_S5 sleep state.
 */
public final class PcAcpi {
    /** Where every local APIC's registers appear. */
    public static final long LOCAL_APIC_ADDRESS = 0xFEE0_0000L;
    /** Where the I/O APIC's registers appear. */
    public static final long IO_APIC_ADDRESS = 0xFEC0_0000L;
    /** The I/O APIC's ID: 0, as QEMU's MADT says and as KVM's I/O APIC ID register reads after reset. */
    public static final int IO_APIC_ID = 0;
    /** The first GSI the I/O APIC's pins deliver. */
    public static final int IO_APIC_GSI_BASE = 0;
    /** The reset register: PIIX/ICH Reset Control at port 0xCF9. */
    public static final int RESET_PORT = 0xCF9;
    /** The value written to {@link #RESET_PORT}: SYS_RST | RST_CPU, a hard reset. */
    public static final int RESET_VALUE = 0x06;
    /** CMOS index of the RTC century byte, the FADT's CENTURY. */
    public static final int RTC_CENTURY_INDEX = 0x32;
    /** Most CPUs flat logical APIC destination mode can address; beyond it the FADT forces cluster mode. */
    public static final int FLAT_LOGICAL_MAX_CPUS = 8;
    /** Alignment jkvm gives every table after the FACS. */
    public static final int TABLE_ALIGNMENT = 16;
    /** SLP_TYPa and SLP_TYPb in the \_S5 package: what the PM1 block powers off on (0, as QEMU's PIIX4 DSDT says). */
    public static final int S5_SLP_TYP = Pm1Block.S5_SLP_TYP;
    /** _STA of the fw_cfg device: present, enabled, functioning, but not shown in UIs (QEMU's value). */
    public static final int FWCFG_STA = 0x0B;
    /** The fw_cfg device's ACPI hardware ID. */
    public static final String FWCFG_HID = "QEMU0002";
    /** A 16550-compatible serial port's EISA ID. */
    public static final String SERIAL_HID = "PNP0501";
    /** The FACS's Hardware Signature: fixed, since the hardware never changes across a resume. */
    public static final long HARDWARE_SIGNATURE = 0;
    /** A PCI host bridge's EISA ID. */
    public static final String PCI_HOST_BRIDGE_HID = "PNP0A03";
    /** A PCI Express root complex's EISA ID, the host bridge's compatible ID: it has ECAM. */
    public static final String PCIE_ROOT_COMPLEX_CID = "PNP0A08";
    /** The PCI segment group of bus 0, the only one. */
    public static final int PCI_SEGMENT = 0;
    /** The host bridge's bus number, _BBN. */
    public static final int PCI_ROOT_BUS = 0;
    /** The last bus number behind the host bridge (ECAM covers them all; only bus 0 has devices). */
    public static final int PCI_LAST_BUS = PciRootBus.BUS_COUNT - 1;
    /** The legacy VGA window the host bridge forwards to the bus, first byte. */
    public static final long VGA_WINDOW_START = 0xA_0000;
    /** The legacy VGA window's last byte. */
    public static final long VGA_WINDOW_END = 0xB_FFFF;
    /** Ports from 0 to here reach the PCI bus: everything below the configuration registers. */
    public static final int PCI_LOW_PORTS_END = PciRootBus.CONFIG_ADDRESS_PORT - 1;
    /** Ports the host bridge itself decodes: CONFIG_ADDRESS (0xCF8) to the end of CONFIG_DATA (0xCFF). */
    public static final int PCI_CONFIG_PORTS = 8;
    /** Ports from here to 0xFFFF reach the PCI bus (0xD00 is where QEMU's second window starts too). */
    public static final int PCI_HIGH_PORTS_START = 0xD00;
    /** Highest port. */
    public static final int LAST_PORT = 0xFFFF;
    /** A _PRT entry's address with this in its low word means any function of the device in its high word. */
    public static final int PRT_ANY_FUNCTION = 0xFFFF;
    /** A _PRT entry's Source of 0: SourceIndex is a GSI, not an index into a link device's resources. */
    public static final int PRT_GSI_SOURCE = 0;

    private PcAcpi() {
    }

    /**
     * Builds the tables for processors with {@code apicIds} (in vCPU order: the first is the boot processor, and
     * a vCPU's index is its ACPI Processor UID), placing the RSDP at {@code rsdpAddress} and the tables from
     * {@code tablesBase} up to (not including) {@code tablesEnd}.
     */
    public static AcpiTableSet build(List<Integer> apicIds, long rsdpAddress, long tablesBase, long tablesEnd) {
        if (rsdpAddress % Rsdp.ALIGNMENT != 0) {
            throw new IllegalArgumentException("RSDP address 0x" + Long.toHexString(rsdpAddress)
                    + " is not 16-byte aligned; OSes scan only 16-byte boundaries");
        }
        List<AcpiTableSet.Placed> placed = new ArrayList<>();
        long at = align(tablesBase, Facs.ALIGNMENT);
        at = place(placed, new Facs(HARDWARE_SIGNATURE), at);
        long facs = placed.getLast().address();
        at = place(placed, dsdt(), at);
        long dsdt = placed.getLast().address();
        at = place(placed, fadt(facs, dsdt, apicIds.size()), at);
        long fadt = placed.getLast().address();
        at = place(placed, madt(apicIds), at);
        long madt = placed.getLast().address();
        at = place(placed, mcfg(), at);
        long mcfg = placed.getLast().address();
        at = place(placed, new Xsdt(List.of(fadt, madt, mcfg)), at);
        long xsdt = placed.getLast().address();
        at = place(placed, new Rsdt(List.of(fadt, madt, mcfg)), at);
        long rsdt = placed.getLast().address();
        if (at > tablesEnd) {
            throw new IllegalArgumentException("ACPI tables for " + apicIds.size() + " CPUs need 0x"
                    + Long.toHexString(at - tablesBase) + " bytes from 0x" + Long.toHexString(tablesBase)
                    + ", more than the 0x" + Long.toHexString(tablesEnd - tablesBase) + " available");
        }
        return new AcpiTableSet(rsdpAddress, new Rsdp(rsdt, xsdt).toBytes(), placed);
    }

    /** The MCFG: one ECAM window for segment 0, buses 0–255, where {@link PciRootBus#ECAM_BASE} says. */
    public static Mcfg mcfg() {
        return new Mcfg(List.of(new Mcfg.Allocation(PciRootBus.ECAM_BASE, PCI_SEGMENT, PCI_ROOT_BUS, PCI_LAST_BUS)));
    }

    /** The FADT of jkvm's PC. */
    public static Fadt fadt(long facsAddress, long dsdtAddress, int cpus) {
        int flags = Fadt.WBINVD | Fadt.PROC_C1 | Fadt.SLP_BUTTON | Fadt.RTC_S4 | Fadt.RESET_REG_SUP
                | Fadt.USE_PLATFORM_CLOCK | (cpus > FLAT_LOGICAL_MAX_CPUS ? Fadt.FORCE_APIC_CLUSTER_MODEL : 0);
        int pmBase = Pm1Block.DEFAULT_BASE;
        return new Fadt(facsAddress, dsdtAddress, PcInterruptWiring.SCI_IRQ,
                pmBase + Pm1Block.PM1_EVT_OFFSET, Pm1Block.PM1_EVT_LEN,
                pmBase + Pm1Block.PM1_CNT_OFFSET, Pm1Block.PM1_CNT_LEN,
                pmBase + Pm1Block.PM_TMR_OFFSET, Pm1Block.PM_TMR_LEN,
                RTC_CENTURY_INDEX, Fadt.LEGACY_DEVICES | Fadt.ARCH_8042 | Fadt.VGA_NOT_PRESENT, flags,
                GenericAddress.systemIo(RESET_PORT, 1, GenericAddress.ACCESS_BYTE), RESET_VALUE);
    }

    /**
     * The MADT: a Processor Local APIC structure per CPU (x2APIC structures for APIC IDs or UIDs above 254), the
     * I/O APIC, an override for every ISA IRQ not delivered identity-mapped with ISA signalling (QEMU's IRQ0 → GSI 2
     * with the bus's own flags, and the level, active-high SCI), and LINT1 as NMI on every processor.
     */
    public static Madt madt(List<Integer> apicIds) {
        if (apicIds.isEmpty()) {
            throw new IllegalArgumentException("a MADT needs at least one CPU");
        }
        if (new HashSet<>(apicIds).size() != apicIds.size() || Collections.min(apicIds) < 0) {
            throw new IllegalArgumentException("APIC IDs must be distinct and non-negative: " + apicIds);
        }
        List<MadtEntry> entries = new ArrayList<>();
        boolean x2apic = false;
        for (int uid = 0; uid < apicIds.size(); uid++) {
            int apicId = apicIds.get(uid);
            if (apicId <= MadtEntry.MAX_XAPIC_ID && uid <= MadtEntry.MAX_XAPIC_ID) {
                entries.add(new MadtEntry.LocalApic(uid, apicId, true));
            } else {
                entries.add(new MadtEntry.LocalX2Apic(apicId, true, uid));
                x2apic = true;
            }
        }
        entries.add(new MadtEntry.IoApic(IO_APIC_ID, IO_APIC_ADDRESS, IO_APIC_GSI_BASE));
        for (int irq : PcInterruptWiring.connectedIrqs()) {
            int pin = PcInterruptWiring.ioApicPin(irq);
            if (PcInterruptWiring.levelTriggered(irq)) {
                entries.add(new MadtEntry.InterruptSourceOverride(MadtEntry.InterruptSourceOverride.BUS_ISA, irq,
                        IO_APIC_GSI_BASE + pin, MadtEntry.ACTIVE_HIGH | MadtEntry.LEVEL));
            } else if (pin != irq) {
                entries.add(new MadtEntry.InterruptSourceOverride(MadtEntry.InterruptSourceOverride.BUS_ISA, irq,
                        IO_APIC_GSI_BASE + pin, MadtEntry.POLARITY_CONFORMS | MadtEntry.TRIGGER_CONFORMS));
            }
        }
        entries.add(new MadtEntry.LocalApicNmi(MadtEntry.ALL_PROCESSORS, 0, PcInterruptWiring.NMI_LINT));
        if (x2apic) {
            entries.add(new MadtEntry.LocalX2ApicNmi(0, MadtEntry.ALL_X2APIC_PROCESSORS, PcInterruptWiring.NMI_LINT));
        }
        return new Madt(LOCAL_APIC_ADDRESS, Madt.PCAT_COMPAT, entries);
    }

    /**
     * The DSDT, as this ASL says it (iasl compiles it to the same AML; the _PRT has one entry per slot 0–31 and pin
     * 0–3, of which two are shown):
     * <pre>
     * DefinitionBlock ("", "DSDT", 2, "JKVM  ", "JKVMDSDT", 1) {
     *     Scope (\_SB) {
     *         Device (COM1) {
     *             Name (_HID, EisaId ("PNP0501"))
     *             Name (_UID, One)
     *             Name (_CRS, ResourceTemplate () { IO (Decode16, 0x03F8, 0x03F8, 0x01, 0x08) IRQNoFlags () {4} })
     *         }
     *         Device (FWCF) {
     *             Name (_HID, "QEMU0002")
     *             Name (_STA, 0x0B)
     *             Name (_CRS, ResourceTemplate () { IO (Decode16, 0x0510, 0x0510, 0x01, 0x0C) })
     *         }
     *         Device (PCI0) {
     *             Name (_HID, EisaId ("PNP0A03"))
     *             Name (_CID, EisaId ("PNP0A08"))
     *             Name (_ADR, Zero)
     *             Name (_UID, Zero)
     *             Name (_SEG, Zero)
     *             Name (_BBN, Zero)
     *             Name (_CRS, ResourceTemplate () {
     *                 WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, 0, 0xFF, 0, 0x100)
     *                 IO (Decode16, 0x0CF8, 0x0CF8, 0x01, 0x08)
     *                 WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, 0, 0, 0x0CF7, 0, 0x0CF8)
     *                 WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, 0, 0x0D00, 0xFFFF, 0, 0xF300)
     *                 DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable, ReadWrite,
     *                     0, 0x000A0000, 0x000BFFFF, 0, 0x00020000)
     *                 DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable, ReadWrite,
     *                     0, 0xC0000000, 0xDFFFFFFF, 0, 0x20000000)
     *             })
     *             Name (_PRT, Package (0x80) {
     *                 Package (0x04) { 0xFFFF, Zero, Zero, 0x10 },
     *                 ...
     *                 Package (0x04) { 0x001FFFFF, 0x03, Zero, 0x12 }
     *             })
     *         }
     *     }
     *     Name (_S5, Package (0x04) { Zero, Zero, Zero, Zero })
     * }
     * </pre>
     */
    public static Dsdt dsdt() {
        Device com1 = new Device("COM1", List.of(
                new Name("_HID", new EisaId(SERIAL_HID)),
                new Name("_UID", new IntegerConst(1)),
                new Name("_CRS", new ResourceTemplate(List.of(
                        ResourceDescriptor.IoPort.fixed(Uart16550.COM1_BASE, Uart16550.REGISTER_COUNT),
                        new ResourceDescriptor.Irq(List.of(Uart16550.COM1_IRQ)))))));
        Device fwCfg = new Device("FWCF", List.of(
                new Name("_HID", new StringConst(FWCFG_HID)),
                new Name("_STA", new IntegerConst(FWCFG_STA)),
                new Name("_CRS", new ResourceTemplate(List.of(
                        ResourceDescriptor.IoPort.fixed(FwCfg.IO_BASE, FwCfg.ACPI_IO_LENGTH))))));
        IntegerConst slpTyp = new IntegerConst(S5_SLP_TYP);
        return new Dsdt(List.of(
                new Scope("_SB", List.of(com1, fwCfg, pciHostBridge())),
                new Name("_S5", new Package(List.of(slpTyp, slpTyp, new IntegerConst(0), new IntegerConst(0))))));
    }

    /**
     * \_SB.PCI0: the host bridge of segment 0, bus 0, its windows (buses 0–255, every port but its own
     * configuration registers, the VGA window and the memory BAR window) and its _PRT, which gives each slot's
     * INTA#–INTD# as the GSI {@link PciInterruptRouting} wires it to.
     */
    static Device pciHostBridge() {
        List<Aml> routes = new ArrayList<>();
        for (int slot = 0; slot < PciRootBus.SLOT_COUNT; slot++) {
            for (int pin = 0; pin < PciInterruptRouting.PIN_COUNT; pin++) {
                routes.add(new Package(List.of(
                        new IntegerConst((long) slot << Short.SIZE | PRT_ANY_FUNCTION),
                        new IntegerConst(pin),
                        new IntegerConst(PRT_GSI_SOURCE),
                        new IntegerConst(PciInterruptRouting.gsi(slot, pin)))));
            }
        }
        return new Device("PCI0", List.of(
                new Name("_HID", new EisaId(PCI_HOST_BRIDGE_HID)),
                new Name("_CID", new EisaId(PCIE_ROOT_COMPLEX_CID)),
                new Name("_ADR", new IntegerConst(0)),
                new Name("_UID", new IntegerConst(0)),
                new Name("_SEG", new IntegerConst(PCI_SEGMENT)),
                new Name("_BBN", new IntegerConst(PCI_ROOT_BUS)),
                new Name("_CRS", new ResourceTemplate(List.of(
                        new ResourceDescriptor.WordBusNumber(PCI_ROOT_BUS, PCI_LAST_BUS),
                        ResourceDescriptor.IoPort.fixed(PciRootBus.CONFIG_ADDRESS_PORT, PCI_CONFIG_PORTS),
                        new ResourceDescriptor.WordIo(0, PCI_LOW_PORTS_END),
                        new ResourceDescriptor.WordIo(PCI_HIGH_PORTS_START, LAST_PORT),
                        new ResourceDescriptor.DWordMemory(VGA_WINDOW_START, VGA_WINDOW_END, true),
                        new ResourceDescriptor.DWordMemory(PciBarAllocator.PC_MEMORY_BASE,
                                PciBarAllocator.PC_MEMORY_LIMIT, false)))),
                new Name("_PRT", new Package(routes))));
    }

    private static long place(List<AcpiTableSet.Placed> placed, AcpiTable table, long at) {
        byte[] bytes = table.toBytes();
        placed.add(new AcpiTableSet.Placed(table, at, bytes));
        return align(at + bytes.length, TABLE_ALIGNMENT);
    }

    private static long align(long address, long alignment) {
        return (address + alignment - 1) & -alignment;
    }
}
