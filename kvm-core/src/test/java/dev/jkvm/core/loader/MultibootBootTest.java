package dev.jkvm.core.loader;

import dev.jkvm.core.x86.BootLayout;
import dev.jkvm.core.x86.E820Entry;
import dev.jkvm.core.x86.MultibootInfo;
import dev.jkvm.headers.kvm.KvmSegment;
import dev.jkvm.headers.kvm.KvmSregs;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Multiboot v1 kernels loaded into a real KVM VM: the information structure, the machine state, a probe run. */
class MultibootBootTest {
    private static final long LOAD = 0x100000;
    /** Flags: page-align modules, memory information wanted. */
    private static final int FLAGS = MultibootHeader.FLAG_PAGE_ALIGN | MultibootHeader.FLAG_MEMORY_INFO;
    private static final byte[] MODULE = "a module's bytes".repeat(300).getBytes();

    /** Header at the start of the segment, probe right after it: the ELF32 case. */
    private static byte[] elf32Kernel() {
        byte[] header = TestImages.multibootHeader(FLAGS, 0, 0, 0, 0, 0);
        byte[] probe = TestImages.probe32();
        byte[] text = new byte[12 + probe.length];
        System.arraycopy(header, 0, text, 0, 12);
        System.arraycopy(probe, 0, text, 12, probe.length);
        return TestImages.elf(1, LOAD + 12, List.of(new TestImages.Segment(LOAD, LOAD, text, 0x3000)), null);
    }

    private static String expectedProbe(long cmdline) {
        return String.join(",", List.of(
                String.format("out %08x", MultibootInfo.BOOTLOADER_MAGIC),
                String.format("out %08x", BootLayout.MULTIBOOT_INFO),
                String.format("out %08x", cmdline),
                "out 00000010",
                "out 00000011",
                "halt"));
    }

    @Test
    void elf32KernelGetsTheInformationStructureAndFlat32BitProtectedMode() {
        try (TestVm vm = TestVm.create(128); Arena arena = Arena.ofConfined()) {
            LoadedKernel loaded = vm.load(vm.request("/boot/mb.elf", elf32Kernel(), "debug=1",
                    List.of(new BootModule("initrd.img", "initrd.img arg=2", MODULE)), 0));
            assertEquals(BootProtocol.MULTIBOOT, loaded.protocol());
            assertEquals(LOAD + 12, loaded.entry());
            assertEquals(LOAD + 0x3000, loaded.kernelEnd(), "p_memsz counts");

            ByteBuffer info = ByteBuffer.wrap(vm.memory.read(BootLayout.MULTIBOOT_INFO, MultibootInfo.SIZE))
                    .order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(MultibootInfo.FLAG_MEMORY | MultibootInfo.FLAG_CMDLINE | MultibootInfo.FLAG_MODS
                    | MultibootInfo.FLAG_MMAP | MultibootInfo.FLAG_BOOT_LOADER_NAME, info.getInt(0));
            assertEquals(0x9FC00 / 1024, info.getInt(MultibootInfo.OFFSET_MEM_LOWER));
            assertEquals((128 << 10) - 1024, info.getInt(MultibootInfo.OFFSET_MEM_UPPER));
            assertEquals("/boot/mb.elf debug=1", cString(vm, info.getInt(MultibootInfo.OFFSET_CMDLINE)));
            assertEquals("jkvm", cString(vm, info.getInt(MultibootInfo.OFFSET_BOOT_LOADER_NAME)));

            assertEquals(1, info.getInt(MultibootInfo.OFFSET_MODS_COUNT));
            ByteBuffer mod = ByteBuffer.wrap(vm.memory.read(Integer.toUnsignedLong(
                    info.getInt(MultibootInfo.OFFSET_MODS_ADDR)), 16)).order(ByteOrder.LITTLE_ENDIAN);
            long modStart = Integer.toUnsignedLong(mod.getInt(0));
            assertEquals(LOAD + 0x3000, modStart, "page-aligned right after the kernel");
            assertEquals(modStart + MODULE.length, Integer.toUnsignedLong(mod.getInt(4)));
            assertEquals("initrd.img arg=2", cString(vm, mod.getInt(8)));
            assertArrayEquals(MODULE, vm.memory.read(modStart, MODULE.length));
            assertEquals(loaded.initrd().orElseThrow(), new LoadedKernel.Placement(modStart, MODULE.length));

            List<E820Entry> map = E820Entry.pcMap(vm.memory);
            assertEquals(map.size() * 24, info.getInt(MultibootInfo.OFFSET_MMAP_LENGTH));
            long mmapAt = Integer.toUnsignedLong(info.getInt(MultibootInfo.OFFSET_MMAP_ADDR));
            ByteBuffer mmap = ByteBuffer.wrap(vm.memory.read(mmapAt, map.size() * 24)).order(ByteOrder.LITTLE_ENDIAN);
            List<E820Entry> read = new ArrayList<>();
            for (int at = 0; at < map.size() * 24; at += 4 + mmap.getInt(at)) {
                assertEquals(20, mmap.getInt(at), "size field excludes itself");
                read.add(new E820Entry(mmap.getLong(at + 4), mmap.getLong(at + 12), mmap.getInt(at + 20)));
            }
            assertEquals(map, read);

            TestVm.CpuState s = vm.cpuState(arena);
            assertEquals(0, s.cr0() & 0x8000_0000L, "paging off");
            assertEquals(1, s.cr0() & 1, "protected mode");
            assertEquals(0, s.efer() & (1 << 10), "not in long mode");
            assertEquals(MultibootInfo.BOOTLOADER_MAGIC, (int) s.rax());
            assertEquals(BootLayout.MULTIBOOT_INFO, s.rbx());
            assertEquals(2, s.rflags());
            MemorySegment cs = s.segment(KvmSregs.OFFSET_CS);
            assertEquals(1, (byte) KvmSegment.DB.get(cs, 0L), "32-bit code");
            assertEquals(0, (byte) KvmSegment.L.get(cs, 0L));
            assertEquals(0xFFFF_FFFF, (int) KvmSegment.LIMIT.get(cs, 0L));

            assertEquals(expectedProbe(Integer.toUnsignedLong(info.getInt(MultibootInfo.OFFSET_CMDLINE))),
                    String.join(",", vm.runProbe()));
        }
    }

    @Test
    void aoutKludgeLoadsA64BitElfByTheHeadersAddressesAndZeroesItsBss() {
        // Like testos-multiboot: an ELF64 whose text starts with the header; the kludge says what to load.
        long headerAddr = LOAD;
        long entry = LOAD + 32;
        byte[] probe = TestImages.probe32();
        byte[] text = new byte[32 + probe.length];
        long loadEnd = LOAD + text.length;
        long bssEnd = LOAD + 0x5000;
        System.arraycopy(TestImages.multibootHeader(FLAGS | MultibootHeader.FLAG_AOUT_KLUDGE, headerAddr, LOAD,
                loadEnd, bssEnd, entry), 0, text, 0, 32);
        System.arraycopy(probe, 0, text, 32, probe.length);
        byte[] file = TestImages.elf(2, 0xFFFF_FFFF_8000_0000L, List.of(TestImages.Segment.at(LOAD, text)), null);
        try (TestVm vm = TestVm.create(64)) {
            vm.memory.slice(LOAD, 0x6000).fill((byte) 0xCC);
            LoadedKernel loaded = vm.load(vm.request("testos-multiboot.elf", file, "", List.of(), 0));
            assertEquals(entry, loaded.entry());
            assertEquals(bssEnd, loaded.kernelEnd());
            assertArrayEquals(text, vm.memory.read(LOAD, text.length));
            assertArrayEquals(new byte[(int) (bssEnd - loadEnd)], vm.memory.read(loadEnd, (int) (bssEnd - loadEnd)));
            ByteBuffer info = ByteBuffer.wrap(vm.memory.read(BootLayout.MULTIBOOT_INFO, MultibootInfo.SIZE))
                    .order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0, info.getInt(MultibootInfo.OFFSET_MODS_COUNT));
            long cmdline = Integer.toUnsignedLong(info.getInt(MultibootInfo.OFFSET_CMDLINE));
            assertEquals("testos-multiboot.elf", cString(vm, cmdline));
            assertEquals(bssEnd, cmdline, "strings right after the kernel's bss, as no module comes first");
            assertEquals(expectedProbe(cmdline), String.join(",", vm.runProbe()));
        }
    }

    @Test
    void aHigherHalfElf32EntryIsTranslatedThroughItsSegment() {
        byte[] header = TestImages.multibootHeader(FLAGS, 0, 0, 0, 0, 0);
        byte[] probe = TestImages.probe32();
        byte[] text = new byte[12 + probe.length];
        System.arraycopy(header, 0, text, 0, 12);
        System.arraycopy(probe, 0, text, 12, probe.length);
        long virtual = 0xC010_0000L;
        byte[] file = TestImages.elf(1, virtual + 12, List.of(new TestImages.Segment(LOAD, virtual, text,
                text.length)), null);
        try (TestVm vm = TestVm.create(64)) {
            LoadedKernel loaded = vm.load(vm.request("hh.elf", file, "", List.of(), 0));
            assertEquals(LOAD + 12, loaded.entry());
            assertEquals("out 2badb002", vm.runProbe().getFirst());
        }
    }

    @Test
    void multibootImagesThatCannotBeLoadedAreRefused() {
        try (TestVm vm = TestVm.create(64)) {
            byte[] header = TestImages.multibootHeader(FLAGS, 0, 0, 0, 0, 0);
            byte[] elf64 = TestImages.elf(2, LOAD, List.of(TestImages.Segment.at(LOAD, java.util.Arrays.copyOf(header,
                    12))), null);
            KernelLoadException e = assertThrows(KernelLoadException.class,
                    () -> vm.load(vm.request("k64", elf64, "", List.of(), 0)));
            assertEquals("k64: a 64-bit ELF Multiboot kernel needs the a.out kludge (header flags bit 16): Multiboot "
                    + "loads ELF images only as 32-bit ones", e.getMessage());

            byte[] raw = java.util.Arrays.copyOf(header, 4096);
            e = assertThrows(KernelLoadException.class, () -> vm.load(vm.request("raw.bin", raw, "", List.of(), 0)));
            assertTrue(e.getMessage().startsWith("raw.bin: the Multiboot header has no a.out kludge"), e.getMessage());

            byte[] kludge = java.util.Arrays.copyOf(TestImages.multibootHeader(FLAGS | MultibootHeader.FLAG_AOUT_KLUDGE,
                    LOAD, LOAD, LOAD + 0x2000, 0, LOAD + 32), 4096);
            e = assertThrows(KernelLoadException.class, () -> vm.load(vm.request("cut.bin", kludge, "", List.of(), 0)));
            assertEquals("cut.bin: truncated: the Multiboot header asks for 0x2000 bytes from file offset 0x0, the file "
                    + "has 4096 bytes", e.getMessage());

            byte[] low = java.util.Arrays.copyOf(TestImages.multibootHeader(FLAGS | MultibootHeader.FLAG_AOUT_KLUDGE,
                    0x8000, 0x8000, 0, 0, 0x8020), 4096);
            e = assertThrows(KernelLoadException.class, () -> vm.load(vm.request("low.bin", low, "", List.of(), 0)));
            assertEquals("low.bin: the Multiboot image starts at 0x8000, below 1 MiB, where jkvm keeps boot structures "
                    + "and firmware tables", e.getMessage());

            BootModule huge = BootModule.of("huge.img", new byte[64 << 20]);
            e = assertThrows(KernelLoadException.class,
                    () -> vm.load(vm.request("mb.elf", elf32Kernel(), "", List.of(huge), 0)));
            assertEquals("module huge.img is 67108864 bytes and does not fit in guest RAM between 0x103000 and "
                    + "0x4000000 (the top of RAM below 4 GiB); give the guest more memory (-m)", e.getMessage());
        }
    }

    private static String cString(TestVm vm, long address) {
        byte[] bytes = vm.memory.read(address, 256);
        int end = 0;
        while (bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
