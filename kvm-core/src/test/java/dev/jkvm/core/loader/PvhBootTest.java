package dev.jkvm.core.loader;

import dev.jkvm.core.x86.BootLayout;
import dev.jkvm.core.x86.HvmStartInfo;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** ELF kernels with a Xen PVH note: start_info gains the initrd as module 0 and the RSDP. */
class PvhBootTest {
    private static final long LOAD = 0x100000;
    private static final long RSDP = 0xF0010;

    @Test
    void initrdBecomesModuleZeroAndTheRsdpIsPassed() {
        byte[] kernel = TestImages.elf(2, LOAD, List.of(TestImages.Segment.at(LOAD, TestImages.probe32())), LOAD);
        byte[] initrd = "an initrd".repeat(1000).getBytes();
        try (TestVm vm = TestVm.create(128)) {
            LoadedKernel loaded = vm.load(vm.request("pvh.elf", kernel, "console=ttyS0",
                    List.of(BootModule.of("initrd.img", initrd)), RSDP));
            assertEquals(BootProtocol.PVH, loaded.protocol());
            long initrdAt = ((128L << 20) - initrd.length) & -4096L;
            assertEquals(new LoadedKernel.Placement(initrdAt, initrd.length), loaded.initrd().orElseThrow());
            assertArrayEquals(initrd, vm.memory.read(initrdAt, initrd.length));

            ByteBuffer si = ByteBuffer.wrap(vm.memory.read(BootLayout.PVH_START_INFO, 56)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(HvmStartInfo.MAGIC, si.getInt(0));
            assertEquals(1, si.getInt(12), "nr_modules");
            assertEquals(BootLayout.PVH_MODLIST, si.getLong(16));
            assertEquals(BootLayout.CMDLINE, si.getLong(24));
            assertEquals(RSDP, si.getLong(32));
            assertEquals(BootLayout.PVH_MEMMAP, si.getLong(40));
            ByteBuffer mod = ByteBuffer.wrap(vm.memory.read(BootLayout.PVH_MODLIST, 32)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(initrdAt, mod.getLong(0));
            assertEquals(initrd.length, mod.getLong(8));
            assertEquals("initrd.img\0", new String(vm.memory.read(mod.getLong(16), 11)));
            assertEquals(List.of("out 00000000", "out 00006000"), vm.runProbe().subList(0, 2), "EBX = start_info");
        }
    }

    @Test
    void withoutInitrdOrAcpiTheStartInfoSaysSo() {
        byte[] kernel = TestImages.elf(2, LOAD, List.of(TestImages.Segment.at(LOAD, TestImages.probe32())), LOAD);
        try (TestVm vm = TestVm.create(64)) {
            vm.load(vm.request("pvh.elf", kernel, "", List.of(), 0));
            ByteBuffer si = ByteBuffer.wrap(vm.memory.read(BootLayout.PVH_START_INFO, 56)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0, si.getInt(12));
            assertEquals(0, si.getLong(16));
            assertEquals(0, si.getLong(32));
        }
    }
}
