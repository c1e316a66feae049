package dev.jkvm.core.machine;

import dev.jkvm.core.Vcpu;
import dev.jkvm.core.VmmException;
import dev.jkvm.core.loader.ElfImage;
import dev.jkvm.core.loader.KernelLoadException;
import dev.jkvm.core.memory.GuestMemory;
import dev.jkvm.core.x86.E820Entry;
import dev.jkvm.core.x86.acpi.AcpiTableSet;
import dev.jkvm.core.x86.acpi.PcAcpi;
import dev.jkvm.core.x86.mptable.MpTable;
import dev.jkvm.core.x86.mptable.PcMpTable;
import dev.jkvm.devices.fwcfg.FwCfg;
import dev.jkvm.devices.fwcfg.FwCfgItems;
import dev.jkvm.devices.fwcfg.FwCfgKey;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * What firmware would leave for an OS on a PC, written straight into guest RAM: the ACPI tables (RSDP in the BIOS
 * ROM window, the rest in the 0xE0000 segment), an MP table, and QEMU's fw_cfg device with the machine's RAM size,
 * CPU counts, e820 map and -kernel items. A vCPU's APIC ID is its KVM vCPU id.
 *
 * <p>The tables say the timer's IRQ0 arrives on I/O APIC pin 2 (QEMU's wiring) and PCI INTx on pins 16–23;
 * {@link dev.jkvm.core.pci.GsiRouting} gives KVM the routing that matches, and it must exist before the guest runs.
 * The tables always describe the PCI host bridge: MCFG for ECAM, PCI0 with its _PRT in the DSDT, the PCI bus and
 * its interrupt assignments in the MP table, and ECAM reserved in the e820 map.
 *
 * @param rsdpAddress where the RSDP is, for the boot protocol (PVH rsdp_paddr, boot_params.acpi_rsdp_addr)
 * @param mpFloatingPointerAddress where the MP floating pointer structure is
 * @param fwCfg the fw_cfg device, registered on the port-I/O bus
 */
public record FirmwareTables(long rsdpAddress, long mpFloatingPointerAddress, FwCfg fwCfg) {
    /** Where the RSDP goes: the start of the BIOS ROM window, which OSes scan. */
    public static final long RSDP_ADDRESS = E820Entry.BIOS_ROM_START;
    /** Where the MP floating pointer goes: right after the RSDP, on its 16-byte boundary. */
    public static final long MP_FLOATING_POINTER_ADDRESS = 0xF0030;
    /** Where the MP configuration table goes, after the floating pointer. */
    public static final long MP_CONFIG_TABLE_ADDRESS = 0xF0040;
    /** First byte of the area the ACPI tables other than the RSDP go to. */
    public static final long ACPI_TABLES_START = E820Entry.FIRMWARE_AREA_START;
    /** End (exclusive) of the ACPI tables' area. */
    public static final long ACPI_TABLES_END = E820Entry.BIOS_ROM_START;
    /** End (exclusive) of the area this class writes: 1 MiB. */
    public static final long FIRMWARE_AREA_END = E820Entry.ONE_MIB;

    /** fw_cfg NOGRAPHIC: jkvm machines have no display. */
    private static final int NO_GRAPHICS = 1;
    /** fw_cfg BOOT_MENU: there is no firmware boot menu to offer. */
    private static final int NO_BOOT_MENU = 0;
    /** Size of the fw_cfg UUID item, which stays all zeros as QEMU's does without -uuid. */
    private static final int UUID_SIZE = 16;
    /** The fw_cfg file with the memory map. */
    public static final String E820_FILE = "etc/e820";
    /** Size of an "etc/e820" entry: u64 address, u64 length, u32 type, packed. */
    private static final int E820_ENTRY_SIZE = 20;
    /** The bzImage setup header magic "HdrS", read little-endian at {@link #SETUP_HEADER_MAGIC_OFFSET}. */
    private static final int SETUP_HEADER_MAGIC = 0x53726448;
    /** Offset of the setup header's magic in a bzImage. */
    private static final int SETUP_HEADER_MAGIC_OFFSET = 0x202;
    /** Offset of the boot protocol version. */
    private static final int SETUP_VERSION_OFFSET = 0x206;
    /** Offset of setup_sects, the number of 512-byte setup sectors after the boot sector. */
    private static final int SETUP_SECTS_OFFSET = 0x1F1;
    /** Offset of initrd_addr_max (protocol 2.03+). */
    private static final int INITRD_ADDR_MAX_OFFSET = 0x22C;
    /** Boot protocol version that introduced initrd_addr_max. */
    private static final int PROTOCOL_INITRD_ADDR_MAX = 0x203;
    /** setup_sects of 0 means 4, for very old kernels. */
    private static final int DEFAULT_SETUP_SECTS = 4;
    /** A bzImage sector. */
    private static final int SECTOR_SIZE = 512;
    /** Where QEMU loads the real-mode setup of a protocol 2.02+ bzImage. */
    private static final long QEMU_SETUP_ADDRESS = 0x10000;
    /** Where QEMU loads the protected-mode kernel of a bzImage. */
    private static final long QEMU_KERNEL_ADDRESS = 0x100000;
    /** Where QEMU puts a protocol 2.02+ bzImage's command line. */
    private static final long QEMU_CMDLINE_ADDRESS = 0x20000;
    /** Highest initrd end address older kernels accept, QEMU's default initrd_max. */
    private static final long DEFAULT_INITRD_MAX = 0x37FF_FFFFL;
    /** Initrds start on a page boundary. */
    private static final long PAGE_SIZE = 4096;
    /** How much of an ELF kernel QEMU hands over as SETUP_DATA for a PVH boot: its header buffer. */
    private static final int PVH_SETUP_DATA_SIZE = 8192;

    /** Writes the tables and registers fw_cfg; call before the kernel loads. */
    public static FirmwareTables install(PlatformContext pc) {
        GuestMemory memory = pc.memory();
        if (!memory.isRam(ACPI_TABLES_START, FIRMWARE_AREA_END - ACPI_TABLES_START)) {
            throw new VmmException("firmware tables need guest RAM up to 1 MiB; this machine has "
                    + GuestMemory.describeSize(memory.size()));
        }
        List<Integer> apicIds = pc.vcpus().stream().map(Vcpu::id).toList();
        memory.slice(ACPI_TABLES_START, FIRMWARE_AREA_END - ACPI_TABLES_START).fill((byte) 0);

        AcpiTableSet acpi = PcAcpi.build(apicIds, RSDP_ADDRESS, ACPI_TABLES_START, ACPI_TABLES_END);
        for (AcpiTableSet.Placed table : acpi.tables()) {
            memory.write(table.address(), table.bytes());
        }
        memory.write(acpi.rsdpAddress(), acpi.rsdp());

        MpTable mp = PcMpTable.build(apicIds, MP_FLOATING_POINTER_ADDRESS, MP_CONFIG_TABLE_ADDRESS);
        if (mp.configTableAddress() + mp.configTable().length > FIRMWARE_AREA_END) {
            throw new VmmException("the MP table for " + apicIds.size() + " CPUs does not fit below 1 MiB");
        }
        memory.write(mp.floatingPointerAddress(), mp.floatingPointer());
        memory.write(mp.configTableAddress(), mp.configTable());

        FwCfg fwCfg = new FwCfg(fwCfgItems(pc, apicIds), memory);
        pc.portIo().register("fw_cfg", FwCfg.IO_BASE, FwCfg.IO_SIZE, fwCfg.ioPort());
        pc.portIo().register("fw_cfg DMA", FwCfg.DMA_IO_BASE, FwCfg.DMA_IO_SIZE, fwCfg.dmaPort());
        return new FirmwareTables(acpi.rsdpAddress(), mp.floatingPointerAddress(), fwCfg);
    }

    private static FwCfgItems fwCfgItems(PlatformContext pc, List<Integer> apicIds) {
        MachineConfig config = pc.config();
        FwCfgItems.Builder items = FwCfgItems.builder()
                .bytes(FwCfgKey.UUID, new byte[UUID_SIZE])
                .u64(FwCfgKey.RAM_SIZE, pc.memory().size())
                .u16(FwCfgKey.NOGRAPHIC, NO_GRAPHICS)
                .u16(FwCfgKey.NB_CPUS, apicIds.size())
                .u16(FwCfgKey.MAX_CPUS, config.topology().maxCpus())
                .u16(FwCfgKey.BOOT_MENU, NO_BOOT_MENU)
                // No NUMA: node count 0, then node 0 for every APIC ID up to the highest.
                .bytes(FwCfgKey.NUMA, new byte[(1 + Collections.max(apicIds) + 1) * Long.BYTES])
                .file(E820_FILE, e820(E820Entry.pcMap(pc.memory())));
        kernelItems(items, config, pc.memory());
        return items.build();
    }

    /** QEMU's "etc/e820" format: packed little-endian {u64 address, u64 length, u32 type}. */
    static byte[] e820(List<E820Entry> map) {
        ByteBuffer out = ByteBuffer.allocate(map.size() * E820_ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (E820Entry entry : map) {
            out.putLong(entry.address()).putLong(entry.size()).putInt(entry.type());
        }
        return out.array();
    }

    /**
     * The -kernel items as QEMU fills them: for a bzImage the setup and protected-mode parts with QEMU's load
     * addresses, for an ELF kernel with a PVH note its entry, load address and loaded size; the command line and
     * initrd either way. They describe the kernel; jkvm's loader, not fw_cfg, is what actually loads it.
     */
    private static void kernelItems(FwCfgItems.Builder items, MachineConfig config, GuestMemory memory) {
        byte[] kernel = config.kernel().image();
        String cmdline = config.cmdline();
        items.u32(FwCfgKey.CMDLINE_SIZE, cmdline.getBytes(StandardCharsets.US_ASCII).length + 1)
                .string(FwCfgKey.CMDLINE_DATA, cmdline);
        long initrdMax = DEFAULT_INITRD_MAX;
        if (isBzImage(kernel)) {
            ByteBuffer header = ByteBuffer.wrap(kernel).order(ByteOrder.LITTLE_ENDIAN);
            int protocol = Short.toUnsignedInt(header.getShort(SETUP_VERSION_OFFSET));
            int sects = Byte.toUnsignedInt(kernel[SETUP_SECTS_OFFSET]);
            int setupSize = Math.min(kernel.length, ((sects == 0 ? DEFAULT_SETUP_SECTS : sects) + 1) * SECTOR_SIZE);
            if (protocol >= PROTOCOL_INITRD_ADDR_MAX && kernel.length >= INITRD_ADDR_MAX_OFFSET + Integer.BYTES) {
                initrdMax = Integer.toUnsignedLong(header.getInt(INITRD_ADDR_MAX_OFFSET));
            }
            items.u32(FwCfgKey.SETUP_ADDR, QEMU_SETUP_ADDRESS)
                    .u32(FwCfgKey.SETUP_SIZE, setupSize)
                    .bytes(FwCfgKey.SETUP_DATA, Arrays.copyOf(kernel, setupSize))
                    .u32(FwCfgKey.KERNEL_ADDR, QEMU_KERNEL_ADDRESS)
                    .u32(FwCfgKey.KERNEL_SIZE, kernel.length - setupSize)
                    .bytes(FwCfgKey.KERNEL_DATA, Arrays.copyOfRange(kernel, setupSize, kernel.length))
                    .u32(FwCfgKey.CMDLINE_ADDR, QEMU_CMDLINE_ADDRESS);
        } else if (pvhElf(config.kernel()).isPresent()) {
            ElfImage elf = pvhElf(config.kernel()).get();
            long low = elf.segments().stream().mapToLong(ElfImage.LoadSegment::physicalAddress).min().orElse(0);
            long loaded = elf.segments().stream().mapToLong(ElfImage.LoadSegment::memorySize).sum();
            items.u32(FwCfgKey.KERNEL_ENTRY, elf.pvhEntry().getAsLong())
                    .u32(FwCfgKey.KERNEL_ADDR, low)
                    .u32(FwCfgKey.KERNEL_SIZE, loaded)
                    .u32(FwCfgKey.SETUP_SIZE, PVH_SETUP_DATA_SIZE)
                    .bytes(FwCfgKey.SETUP_DATA, Arrays.copyOf(kernel, PVH_SETUP_DATA_SIZE));
        } else {
            items.u32(FwCfgKey.KERNEL_SIZE, kernel.length).bytes(FwCfgKey.KERNEL_DATA, kernel);
        }
        Initrd initrd = config.initrd();
        if (initrd != null) {
            items.u32(FwCfgKey.INITRD_SIZE, initrd.data().length).bytes(FwCfgKey.INITRD_DATA, initrd.data());
            long lowRamEnd = memory.regions().getFirst().end();
            long top = Math.min(initrdMax, lowRamEnd - 1);
            if (initrd.data().length <= top) {
                items.u32(FwCfgKey.INITRD_ADDR, (top - initrd.data().length) & -PAGE_SIZE);
            }
        }
    }

    private static boolean isBzImage(byte[] kernel) {
        return kernel.length > SETUP_VERSION_OFFSET + Short.BYTES
                && ByteBuffer.wrap(kernel).order(ByteOrder.LITTLE_ENDIAN).getInt(SETUP_HEADER_MAGIC_OFFSET) == SETUP_HEADER_MAGIC;
    }

    /** The kernel as an ELF image with a PVH entry, if it is one. */
    private static Optional<ElfImage> pvhElf(Kernel kernel) {
        if (!ElfImage.isElf(kernel.image())) {
            return Optional.empty();
        }
        try {
            return Optional.of(ElfImage.parse(kernel.name(), kernel.image())).filter(elf -> elf.pvhEntry().isPresent());
        } catch (KernelLoadException e) {
            // The loader reports a broken ELF with its own context; fw_cfg then just carries the raw image.
            return Optional.empty();
        }
    }
}
