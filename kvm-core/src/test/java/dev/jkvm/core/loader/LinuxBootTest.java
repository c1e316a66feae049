package dev.jkvm.core.loader;

import dev.jkvm.core.x86.BootLayout;
import dev.jkvm.core.x86.BootParams;
import dev.jkvm.core.x86.E820Entry;
import dev.jkvm.core.x86.LongModeBoot;
import dev.jkvm.core.x86.SetupHeader;
import dev.jkvm.headers.kvm.KvmDtable;
import dev.jkvm.headers.kvm.KvmSegment;
import dev.jkvm.headers.kvm.KvmSregs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bzImages and bare vmlinux ELFs loaded into a real KVM VM, checked in guest RAM, in the vCPU, and by running. */
class LinuxBootTest {
    private static final long RSDP = 0xF0010;
    private static final byte[] INITRD = "070701 a pretend newc archive".repeat(500).getBytes();

    private static BootModule initrd() {
        return BootModule.of("initrd.img", INITRD);
    }

    private static String expectedProbe(long initrdAddress, long initrdSize) {
        return String.join(",", List.of(
                String.format("out %08x", BootLayout.ZERO_PAGE),
                String.format("out %08x", BootLayout.CMDLINE),
                String.format("out %08x", initrdAddress),
                String.format("out %08x", initrdSize),
                String.format("out %08x", BootLayout.BOOT_STACK_TOP),
                "out 00000010",
                String.format("mmio-read %x", TestImages.PROBE_MMIO_ADDRESS),
                "halt"));
    }

    @ParameterizedTest
    @EnumSource(value = PayloadFormat.class, names = {"GZIP", "BZIP2", "XZ", "LZMA", "LZ4_LEGACY", "ZSTD"})
    void bzImageIsDecompressedOnTheHostAndEnteredAtTheVmlinuxEntryInLongMode(PayloadFormat format) {
        byte[] vmlinux = TestImages.probeVmlinux();
        byte[] bz = TestImages.bzImage(TestImages.BzFields.modern(), TestImages.bytes(0xF4),
                TestImages.compress(format, vmlinux));
        try (TestVm vm = TestVm.create(128)) {
            LoadedKernel loaded = vm.load(vm.request("bzImage", bz, "console=ttyS0", List.of(initrd()), RSDP));
            assertEquals(BootProtocol.LINUX_64_DECOMPRESSED, loaded.protocol());
            assertEquals(TestImages.VMLINUX_LOAD, loaded.entry());
            assertEquals(TestImages.VMLINUX_LOAD + TestImages.probe64().length + 0x10000, loaded.kernelEnd(),
                    "the vmlinux's _end, bss included");
            assertTrue(loaded.detail().startsWith(format.displayName() + " payload decompressed on the host"),
                    loaded.detail());
            assertArrayEquals(TestImages.probe64(), vm.memory.read(TestImages.VMLINUX_LOAD,
                    TestImages.probe64().length));
            long initrdAt = loaded.initrd().orElseThrow().address();
            assertEquals(expectedProbe(initrdAt, INITRD.length), String.join(",", vm.runProbe()));
        }
    }

    @Test
    void zeroPageCarriesTheImagesHeaderAndWhatTheLoaderFilledIn() {
        byte[] bz = TestImages.bzImage(TestImages.BzFields.modern(), TestImages.bytes(0xF4),
                TestImages.compress(PayloadFormat.LZ4_LEGACY, TestImages.probeVmlinux()));
        try (TestVm vm = TestVm.create(128)) {
            LoadedKernel loaded = vm.load(vm.request("bzImage", bz, "console=ttyS0 noxsave", List.of(initrd()), RSDP));
            ByteBuffer zp = ByteBuffer.wrap(vm.memory.read(BootLayout.ZERO_PAGE, BootParams.SIZE))
                    .order(ByteOrder.LITTLE_ENDIAN);
            // Copied from the image.
            assertEquals(0xAA55, Short.toUnsignedInt(zp.getShort(SetupHeader.BOOT_FLAG)));
            assertEquals(SetupHeader.HEADER_MAGIC, zp.getInt(SetupHeader.HEADER));
            assertEquals(0x020F, zp.getShort(SetupHeader.VERSION));
            assertEquals(0x20_0000, zp.getInt(SetupHeader.KERNEL_ALIGNMENT));
            assertEquals(TestImages.VMLINUX_LOAD, zp.getLong(SetupHeader.PREF_ADDRESS));
            // Filled in by the loader.
            assertEquals(0xFF, Byte.toUnsignedInt(zp.get(SetupHeader.TYPE_OF_LOADER)));
            assertEquals(SetupHeader.LOADED_HIGH | SetupHeader.CAN_USE_HEAP,
                    Byte.toUnsignedInt(zp.get(SetupHeader.LOADFLAGS)));
            assertEquals(0xDE00, Short.toUnsignedInt(zp.getShort(SetupHeader.HEAP_END_PTR)));
            assertEquals(0xFFFF, Short.toUnsignedInt(zp.getShort(SetupHeader.VID_MODE)));
            assertEquals(BootLayout.CMDLINE, zp.getInt(SetupHeader.CMD_LINE_PTR));
            assertEquals(0, zp.getInt(BootParams.EXT_CMD_LINE_PTR));
            assertEquals("console=ttyS0 noxsave\0",
                    new String(vm.memory.read(BootLayout.CMDLINE, "console=ttyS0 noxsave".length() + 1)));
            long initrdAt = loaded.initrd().orElseThrow().address();
            assertEquals(initrdAt, Integer.toUnsignedLong(zp.getInt(SetupHeader.RAMDISK_IMAGE)));
            assertEquals(INITRD.length, zp.getInt(SetupHeader.RAMDISK_SIZE));
            assertEquals(0, zp.getInt(BootParams.EXT_RAMDISK_IMAGE));
            assertEquals(0, zp.getInt(BootParams.EXT_RAMDISK_SIZE));
            assertArrayEquals(INITRD, vm.memory.read(initrdAt, INITRD.length));
            assertEquals(RSDP, zp.getLong(BootParams.ACPI_RSDP_ADDR));
            List<E820Entry> map = E820Entry.pcMap(vm.memory);
            assertEquals(map.size(), zp.get(BootParams.E820_ENTRIES));
            for (int i = 0; i < map.size(); i++) {
                int at = BootParams.E820_TABLE + i * BootParams.E820_ENTRY_SIZE;
                assertEquals(map.get(i), new E820Entry(zp.getLong(at), zp.getLong(at + 8), zp.getInt(at + 16)));
            }
        }
    }

    @Test
    void theVcpuIsInLongModeWithTheBootProtocolsSegmentsAndRsiAtTheZeroPage() {
        byte[] bz = TestImages.bzImage(TestImages.BzFields.modern(), TestImages.bytes(0xF4),
                TestImages.compress(PayloadFormat.GZIP, TestImages.probeVmlinux()));
        try (TestVm vm = TestVm.create(64); Arena arena = Arena.ofConfined()) {
            vm.load(vm.request("bzImage", bz, "", List.of(), 0));
            TestVm.CpuState s = vm.cpuState(arena);
            assertEquals(LongModeBoot.CR0_PE | LongModeBoot.CR0_PG,
                    s.cr0() & (LongModeBoot.CR0_PE | LongModeBoot.CR0_PG), String.format("CR0 %x", s.cr0()));
            assertEquals(LongModeBoot.CR4_PAE, s.cr4() & LongModeBoot.CR4_PAE);
            assertEquals(LongModeBoot.EFER_LME | LongModeBoot.EFER_LMA,
                    s.efer() & (LongModeBoot.EFER_LME | LongModeBoot.EFER_LMA));
            assertEquals(BootLayout.PAGE_TABLES, s.cr3());
            assertEquals(TestImages.VMLINUX_LOAD, s.rip());
            assertEquals(BootLayout.ZERO_PAGE, s.rsi());
            assertEquals(2, s.rflags(), "interrupts off");
            MemorySegment cs = s.segment(KvmSregs.OFFSET_CS);
            assertEquals(0x10, (short) KvmSegment.SELECTOR.get(cs, 0L));
            assertEquals(1, (byte) KvmSegment.L.get(cs, 0L), "64-bit code segment");
            assertEquals(0, (byte) KvmSegment.DB.get(cs, 0L));
            for (long offset : new long[] {KvmSregs.OFFSET_DS, KvmSregs.OFFSET_ES, KvmSregs.OFFSET_SS}) {
                MemorySegment data = s.segment(offset);
                assertEquals(0x18, (short) KvmSegment.SELECTOR.get(data, 0L));
                assertEquals(0xFFFF_FFFF, (int) KvmSegment.LIMIT.get(data, 0L), "flat 4 GiB");
                assertEquals(0L, (long) KvmSegment.BASE.get(data, 0L));
            }
            MemorySegment gdtr = s.sregs().asSlice(KvmSregs.OFFSET_GDT, KvmDtable.LAYOUT);
            assertEquals(BootLayout.GDT, (long) KvmDtable.BASE.get(gdtr, 0L));
            ByteBuffer gdt = ByteBuffer.wrap(vm.memory.read(BootLayout.GDT, 48)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0x00AF_9B00_0000_FFFFL, gdt.getLong(0x10), "__BOOT_CS: 64-bit, execute/read, flat");
            assertEquals(0x00CF_9300_0000_FFFFL, gdt.getLong(0x18), "__BOOT_DS: read/write, flat");
            ByteBuffer pml4 = ByteBuffer.wrap(vm.memory.read(BootLayout.PAGE_TABLES, 4096 * 6))
                    .order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(BootLayout.PAGE_TABLES + 0x1000 | 3, pml4.getLong(0));
            assertEquals(0x83, pml4.getLong(0x2000), "first 2 MiB page identity-mapped");
            assertEquals(0xFFE0_0000L | 0x83, pml4.getLong(0x5000 + 511 * 8), "last 2 MiB below 4 GiB");
        }
    }

    @Test
    void payloadsTheHostCannotDecompressBootThroughTheBzImagesOwn64BitEntry() {
        byte[] bz = TestImages.bzImage(TestImages.BzFields.modern(), TestImages.probe64(),
                "an unknown compressor's output".getBytes());
        try (TestVm vm = TestVm.create(128)) {
            LoadedKernel loaded = vm.load(vm.request("bzImage", bz, "quiet", List.of(initrd()), RSDP));
            assertEquals(BootProtocol.LINUX_64_SELF_DECOMPRESSING, loaded.protocol());
            assertEquals(0x100200, loaded.entry(), "code32_start + 0x200");
            assertTrue(loaded.detail().contains("compression format is unknown"), loaded.detail());
            assertArrayEquals(java.util.Arrays.copyOfRange(bz, 5 * 512, bz.length),
                    vm.memory.read(0x100000, bz.length - 5 * 512), "protected-mode kernel at 1 MiB");
            assertEquals(TestImages.VMLINUX_LOAD + 0x40_0000, loaded.kernelEnd(), "pref_address + init_size");
            long initrdAt = loaded.initrd().orElseThrow().address();
            assertEquals(expectedProbe(initrdAt, INITRD.length), String.join(",", vm.runProbe()));
        }
    }

    @Test
    void aBareVmlinuxGetsAZeroPageBuiltFromScratch() {
        try (TestVm vm = TestVm.create(64)) {
            LoadedKernel loaded = vm.load(vm.request("vmlinux", TestImages.probeVmlinux(), "root=/dev/vda",
                    List.of(initrd()), RSDP));
            assertEquals(BootProtocol.LINUX_64_VMLINUX, loaded.protocol());
            ByteBuffer zp = ByteBuffer.wrap(vm.memory.read(BootLayout.ZERO_PAGE, BootParams.SIZE))
                    .order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0xAA55, Short.toUnsignedInt(zp.getShort(SetupHeader.BOOT_FLAG)));
            assertEquals(SetupHeader.HEADER_MAGIC, zp.getInt(SetupHeader.HEADER));
            assertEquals(SetupHeader.PROTOCOL_JKVM, zp.getShort(SetupHeader.VERSION));
            assertEquals(0xFF, Byte.toUnsignedInt(zp.get(SetupHeader.TYPE_OF_LOADER)));
            assertEquals(BootLayout.CMDLINE_MAX, zp.getInt(SetupHeader.CMDLINE_SIZE));
            assertEquals(RSDP, zp.getLong(BootParams.ACPI_RSDP_ADDR));
            long initrdAt = loaded.initrd().orElseThrow().address();
            // Without initrd_addr_max the initrd stays below 0x38000000; here RAM's top (64 MiB) is lower still.
            assertEquals(((64L << 20) - INITRD.length) & -4096L, initrdAt);
            assertEquals(expectedProbe(initrdAt, INITRD.length), String.join(",", vm.runProbe()));
        }
    }

    @Test
    void acpiRsdpAddrIsOnlyWrittenForProtocol214AndLater() {
        byte[] bz = TestImages.bzImage(TestImages.BzFields.modern().withVersion(0x020C), TestImages.bytes(0xF4),
                TestImages.compress(PayloadFormat.GZIP, TestImages.probeVmlinux()));
        try (TestVm vm = TestVm.create(64)) {
            vm.load(vm.request("bzImage", bz, "", List.of(), RSDP));
            ByteBuffer zp = ByteBuffer.wrap(vm.memory.read(BootLayout.ZERO_PAGE, BootParams.SIZE))
                    .order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0, zp.getLong(BootParams.ACPI_RSDP_ADDR));
            assertEquals(0, zp.getInt(SetupHeader.RAMDISK_IMAGE), "no initrd");
        }
    }

    @Test
    void commandLinesLongerThanTheKernelOrJkvmTakeAreRefused() {
        byte[] bz = TestImages.bzImage(TestImages.BzFields.modern().withCmdlineSize(16), TestImages.bytes(0xF4),
                TestImages.compress(PayloadFormat.GZIP, TestImages.probeVmlinux()));
        try (TestVm vm = TestVm.create(64)) {
            KernelLoadException e = assertThrows(KernelLoadException.class,
                    () -> vm.load(vm.request("bzImage", bz, "console=ttyS0 noxsave", List.of(), 0)));
            assertEquals("bzImage: kernel command line is 21 bytes; this kernel accepts at most 16 (setup header "
                    + "cmdline_size)", e.getMessage());
            e = assertThrows(KernelLoadException.class, () -> vm.load(vm.request("vmlinux",
                    TestImages.probeVmlinux(), "x".repeat(2048), List.of(), 0)));
            assertEquals("kernel command line is 2048 bytes; jkvm has room for at most 2047", e.getMessage());
        }
    }

    @Test
    void initrdGoesAsHighAsInitrdAddrMaxAndRamAllow() {
        byte[] payload = TestImages.compress(PayloadFormat.GZIP, TestImages.probeVmlinux());
        byte[] capped = TestImages.bzImage(TestImages.BzFields.modern().withInitrdAddrMax(0x3FF_FFFF),
                TestImages.bytes(0xF4), payload);
        try (TestVm vm = TestVm.create(128)) {
            LoadedKernel loaded = vm.load(vm.request("bzImage", capped, "", List.of(initrd()), 0));
            assertEquals(((64L << 20) - INITRD.length) & -4096L, loaded.initrd().orElseThrow().address(),
                    "below initrd_addr_max + 1 = 64 MiB");
        }
        byte[] bz = TestImages.bzImage(TestImages.BzFields.modern(), TestImages.bytes(0xF4), payload);
        try (TestVm vm = TestVm.create(4096)) {
            LoadedKernel loaded = vm.load(vm.request("bzImage", bz, "", List.of(initrd()), 0));
            assertEquals(((2L << 30) - INITRD.length) & -4096L, loaded.initrd().orElseThrow().address(),
                    "below initrd_addr_max (2 GiB - 1) though RAM goes up to 3 GiB and on above 4 GiB");
        }
        byte[] unlimited = TestImages.bzImage(TestImages.BzFields.modern().withInitrdAddrMax(0xFFFF_FFFFL),
                TestImages.bytes(0xF4), payload);
        try (TestVm vm = TestVm.create(4096)) {
            LoadedKernel loaded = vm.load(vm.request("bzImage", unlimited, "", List.of(initrd()), 0));
            assertEquals((0xC000_0000L - INITRD.length) & -4096L, loaded.initrd().orElseThrow().address(),
                    "below the PCI hole");
        }
    }

    @Test
    void anInitrdThatDoesNotFitIsOneLineNamingItAndItsSize() {
        byte[] bz = TestImages.bzImage(TestImages.BzFields.modern(), TestImages.bytes(0xF4),
                TestImages.compress(PayloadFormat.GZIP, TestImages.probeVmlinux()));
        try (TestVm vm = TestVm.create(32)) {
            BootModule big = BootModule.of("big.cpio", new byte[17 << 20]);
            KernelLoadException e = assertThrows(KernelLoadException.class,
                    () -> vm.load(vm.request("bzImage", bz, "", List.of(big), 0)));
            assertEquals("initrd big.cpio is 17825792 bytes and does not fit in guest RAM between the kernel's end at "
                    + "0x1010030 and 0x2000000 (the top of RAM below 4 GiB); give the guest more memory (-m)",
                    e.getMessage());
        }
    }

    @Test
    void aKernelThatDoesNotFitInRamIsRefused() {
        byte[] bz = TestImages.bzImage(TestImages.BzFields.modern(), TestImages.bytes(0xF4),
                TestImages.compress(PayloadFormat.GZIP, TestImages.probeVmlinux()));
        try (TestVm vm = TestVm.create(16)) {
            KernelLoadException e = assertThrows(KernelLoadException.class,
                    () -> vm.load(vm.request("bzImage", bz, "", List.of(), 0)));
            assertEquals("bzImage (its gzip payload): the kernel needs guest RAM from 0x1000000 to 0x1010030; the "
                    + "guest has 16 MiB", e.getMessage());
        }
    }
}
