package dev.jkvm.core.machine;

import dev.jkvm.core.Kvm;
import dev.jkvm.core.Vcpu;
import dev.jkvm.core.Vm;
import dev.jkvm.core.bus.IoBus;
import dev.jkvm.core.memory.GuestMemory;
import dev.jkvm.core.memory.MemoryRegion;
import dev.jkvm.core.x86.E820Entry;
import dev.jkvm.core.x86.acpi.Madt;
import dev.jkvm.core.x86.acpi.MadtEntry;
import dev.jkvm.core.x86.acpi.Rsdp;
import dev.jkvm.core.x86.acpi.SdtHeader;
import dev.jkvm.devices.fwcfg.FwCfg;
import dev.jkvm.devices.fwcfg.FwCfgDmaAccess;
import dev.jkvm.devices.fwcfg.FwCfgKey;
import dev.jkvm.devices.platform.PlatformControl;
import dev.jkvm.testos.TestOsImage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * FirmwareTables on a real KVM VM (in-kernel irqchip, guest RAM, vCPUs) assembled here rather than by Machine, so
 * the test holds whether or not Machine installs the tables itself: the tables are found the way an OS finds them
 * and fw_cfg answers on its ports. (KVM's GSI routing, which the MADT describes, is GsiRoutingTest's.)
 */
class FirmwareTablesTest {
    private static final long MIB = 1 << 20;

    private static final PlatformControl NO_CONTROL = new PlatformControl() {
        @Override
        public void shutdown(int exitStatus) {
        }

        @Override
        public void reset() {
        }
    };

    /** Runs {@code body} with a VM of {@code cpus} vCPUs (ids 0..cpus-1) and 64 MiB, set up as Machine does. */
    private static void withPlatform(int cpus, Consumer<PlatformContext> body) {
        MachineConfig config = MachineConfig.builder().memoryMiB(64).cpus(cpus).cmdline("console=ttyS0 test=madt")
                .kernel(new Kernel("testos", TestOsImage.bytes())).console(new ByteArrayOutputStream()).build();
        try (Kvm kvm = Kvm.open(); Vm vm = kvm.createVm();
             GuestMemory memory = GuestMemory.allocateX86(config.memoryBytes(), false)) {
            vm.createIrqchip();
            for (MemoryRegion region : memory.regions()) {
                vm.setMemoryRegion(region.slot(), region.guestAddress(), region.host(), 0);
            }
            List<Vcpu> vcpus = new ArrayList<>();
            try {
                for (int id = 0; id < cpus; id++) {
                    vcpus.add(vm.createVcpu(id));
                }
                body.accept(new PlatformContext(config, kvm, vm, memory, vcpus, new IoBus("port I/O"),
                        new IoBus("MMIO"), NO_CONTROL));
            } finally {
                vcpus.forEach(Vcpu::close);
            }
        }
    }

    private static int u32(GuestMemory memory, long gpa) {
        return memory.slice(gpa, 4).get(ValueLayout.JAVA_INT_UNALIGNED, 0);
    }

    /** The addresses of 16-byte aligned occurrences of {@code signature} in [from, to), as OSes scan. */
    private static List<Long> scan(GuestMemory memory, long from, long to, String signature) {
        byte[] want = signature.getBytes(StandardCharsets.US_ASCII);
        List<Long> hits = new ArrayList<>();
        for (long at = from; at < to; at += 16) {
            if (java.util.Arrays.equals(memory.read(at, want.length), want)) {
                hits.add(at);
            }
        }
        return hits;
    }

    /** The SDT at {@code gpa}, as many bytes as its Length field says. */
    private static byte[] table(GuestMemory memory, long gpa) {
        return memory.read(gpa, u32(memory, gpa + SdtHeader.LENGTH_OFFSET));
    }

    @Test
    void anOsScanFindsTheRsdpAndFollowsItToTheMadt() {
        withPlatform(4, pc -> {
            FirmwareTables tables = FirmwareTables.install(pc);
            GuestMemory memory = pc.memory();
            assertEquals(List.of(tables.rsdpAddress()), scan(memory, 0xE0000, 0x100000, "RSD PTR "));
            Rsdp rsdp = Rsdp.parse(memory.read(tables.rsdpAddress(), Rsdp.SIZE));

            byte[] xsdt = table(memory, rsdp.xsdtAddress());
            assertEquals("XSDT", SdtHeader.parse(xsdt).signature());
            List<String> found = new ArrayList<>();
            Madt madt = null;
            for (int at = SdtHeader.SIZE; at < xsdt.length; at += 8) {
                byte[] entry = table(memory, ByteBuffer.wrap(xsdt).order(ByteOrder.LITTLE_ENDIAN).getLong(at));
                found.add(SdtHeader.parse(entry).signature());
                if (SdtHeader.parse(entry).signature().equals("APIC")) {
                    madt = Madt.parse(entry);
                }
            }
            assertEquals(List.of("FACP", "APIC", "MCFG"), found);
            assertEquals(List.of(0, 1, 2, 3), madt.entries().stream().filter(e -> e instanceof MadtEntry.LocalApic)
                    .map(e -> ((MadtEntry.LocalApic) e).apicId()).toList());

            byte[] rsdt = table(memory, rsdp.rsdtAddress());
            assertEquals("RSDT", SdtHeader.parse(rsdt).signature());
            assertEquals(SdtHeader.SIZE + 3 * 4, rsdt.length);

            List<Long> mp = scan(memory, 0xF0000, 0x100000, "_MP_");
            assertEquals(List.of(tables.mpFloatingPointerAddress()), mp);
            long config = Integer.toUnsignedLong(u32(memory, mp.getFirst() + 4));
            assertArrayEquals("PCMP".getBytes(StandardCharsets.US_ASCII), memory.read(config, 4));
        });
    }

    @Test
    void theE820MapReservesEveryTableByte() {
        withPlatform(1, pc -> {
            FirmwareTables.install(pc);
            List<E820Entry> map = E820Entry.pcMap(pc.memory());
            assertTrue(map.contains(new E820Entry(0xE0000, 0x20000, E820Entry.RESERVED)), map.toString());
            for (E820Entry entry : map) {
                if (entry.type() == E820Entry.RAM) {
                    assertTrue(entry.address() + entry.size() <= 0xE0000 || entry.address() >= 0x100000, entry.toString());
                }
            }
            long ram = map.stream().filter(e -> e.type() == E820Entry.RAM).mapToLong(E820Entry::size).sum();
            assertEquals(64 * MIB - 0x60400, ram, "RAM below 1 MiB stops at 0x9FC00; the rest is 1 MiB..64 MiB");
            assertEquals(new E820Entry(0xE000_0000L, 256 * MIB, E820Entry.RESERVED), map.getLast(),
                    "the ECAM window the MCFG names is reserved");
            for (int i = 1; i < map.size(); i++) {
                E820Entry previous = map.get(i - 1);
                assertTrue(previous.address() + previous.size() <= map.get(i).address(), "sorted, disjoint: " + map);
            }
        });
    }

    private static byte[] readItem(IoBus ports, int key, int length) {
        ports.write(FwCfg.IO_BASE, 2, key);
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) ports.read(FwCfg.IO_BASE + FwCfg.DATA_OFFSET, 1);
        }
        return out;
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void fwCfgAnswersOnItsPortsWithTheMachinesFacts() {
        withPlatform(2, pc -> {
            FirmwareTables.install(pc);
            IoBus ports = pc.portIo();
            assertEquals("QEMU", new String(readItem(ports, FwCfgKey.SIGNATURE, 4), StandardCharsets.US_ASCII));
            assertEquals(3, le(readItem(ports, FwCfgKey.ID, 4)).getInt());
            assertEquals(64 * MIB, le(readItem(ports, FwCfgKey.RAM_SIZE, 8)).getLong());
            assertEquals(2, le(readItem(ports, FwCfgKey.NB_CPUS, 2)).getShort());
            assertEquals(2, le(readItem(ports, FwCfgKey.MAX_CPUS, 2)).getShort());
            assertEquals("console=ttyS0 test=madt\0",
                    new String(readItem(ports, FwCfgKey.CMDLINE_DATA, 24), StandardCharsets.US_ASCII));
            assertEquals(24, le(readItem(ports, FwCfgKey.CMDLINE_SIZE, 4)).getInt());
            long entry = dev.jkvm.core.loader.ElfImage.parse("testos", TestOsImage.bytes()).pvhEntry().getAsLong();
            assertEquals(entry, le(readItem(ports, FwCfgKey.KERNEL_ENTRY, 4)).getInt());
            assertEquals(Long.reverseBytes(FwCfg.DMA_SIGNATURE), ports.read(FwCfg.DMA_IO_BASE, 8));

            ByteBuffer dir = ByteBuffer.wrap(readItem(ports, FwCfgKey.FILE_DIR, 4 + 64));
            assertEquals(1, dir.getInt());
            int size = dir.getInt();
            int select = dir.getShort();
            dir.getShort();
            byte[] name = new byte[56];
            dir.get(name);
            assertEquals("etc/e820", new String(name, StandardCharsets.US_ASCII).replace("\0", ""));
            byte[] e820 = readItem(ports, select, size);
            assertArrayEquals(FirmwareTables.e820(E820Entry.pcMap(pc.memory())), e820);
            assertEquals(20 * E820Entry.pcMap(pc.memory()).size(), e820.length);
            assertEquals(0x9FC00, le(e820).getLong(8), "first entry's length");
            assertEquals(E820Entry.RAM, le(e820).getInt(16), "first entry's type");
        });
    }

    @Test
    void fwCfgDmaReadsIntoGuestRam() {
        withPlatform(1, pc -> {
            FirmwareTables.install(pc);
            long request = 0x8000;
            long buffer = 0x9000;
            pc.memory().write(request, FwCfgDmaAccess.select(FwCfgKey.SIGNATURE, FwCfgDmaAccess.READ, 4, buffer).encode());
            pc.portIo().write(FwCfg.DMA_IO_BASE, 4, 0);
            pc.portIo().write(FwCfg.DMA_IO_BASE + FwCfg.DMA_LOW_OFFSET, 4,
                    Integer.toUnsignedLong(Integer.reverseBytes((int) request)));
            assertEquals("QEMU", new String(pc.memory().read(buffer, 4), StandardCharsets.US_ASCII));
            assertEquals(0, u32(pc.memory(), request), "control cleared on success");

            // A request whose buffer lies in the PCI hole ends with ERROR instead of touching host memory.
            pc.memory().write(request, FwCfgDmaAccess.select(FwCfgKey.SIGNATURE, FwCfgDmaAccess.READ, 4,
                    0xD000_0000L).encode());
            pc.portIo().write(FwCfg.DMA_IO_BASE + FwCfg.DMA_LOW_OFFSET, 4,
                    Integer.toUnsignedLong(Integer.reverseBytes((int) request)));
            assertEquals(Integer.reverseBytes(FwCfgDmaAccess.ERROR), u32(pc.memory(), request));
        });
    }

    /** Boots the test OS with the tables in RAM; installs them unless Machine already did. */
    private static String boot(String cmdline, int mib, int cpus, VmStop expected) throws InterruptedException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        MachineConfig config = MachineConfig.builder().memoryMiB(mib).cpus(cpus).cmdline(cmdline)
                .kernel(new Kernel("testos", TestOsImage.bytes())).console(console)
                .debugExit(MachineConfig.DebugExitPort.QEMU_TEST_DEFAULT).build();
        try (Machine m = Machine.create(config)) {
            assertTrue(m.portIo().find(FwCfg.IO_BASE) != null, "Machine.create installs fw_cfg and the tables");
            assertArrayEquals("RSD PTR ".getBytes(StandardCharsets.US_ASCII), m.memory().read(FirmwareTables.RSDP_ADDRESS, 8));
            m.start();
            VmStop stop = m.awaitStop(BOOT_LIMIT).orElseGet(() -> fail("no stop within " + BOOT_LIMIT + ": " + console));
            String out = console.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
            assertEquals(expected, stop, out);
            return out;
        }
    }

    private static final Duration BOOT_LIMIT = Duration.ofSeconds(60);

    @Test
    void testOsSelftestStillPassesWithTheTablesInstalled() throws InterruptedException {
        String out = boot("test=selftest", 64, 1, new VmStop.GuestExit(1, "isa-debug-exit"));
        assertTrue(out.contains("PASS selftest"), out);
    }

    @Test
    void testOsDemoStillCountsCpusAndRamWithTheFirmwareAreaReserved() throws InterruptedException {
        String out = boot("demo", 512, 2, new VmStop.GuestExit(0, "power-off"));
        assertTrue(out.contains("jkvm test OS: 2 CPU(s), 512 MiB RAM\n"), out);
    }
}
