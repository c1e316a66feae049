package dev.jkvm.core.machine;

import dev.jkvm.core.bus.IoBus;
import dev.jkvm.core.pci.DoorbellNotifier;
import dev.jkvm.devices.block.BlockDeviceException;
import dev.jkvm.devices.block.CacheMode;
import dev.jkvm.devices.block.RawImage;
import dev.jkvm.testos.TestOsImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The machine's PCI bus as assembled by Machine.create: what configuration space shows through 0xCF8/0xCFC and
 * ECAM, where the BARs and doorbells land, and that drives leave no fd, thread or image lock behind.
 */
class PcPciTest {
    /** CONFIG_ADDRESS enable bit. */
    private static final int ENABLE = 1 << 31;
    private static final long ECAM = 0xE000_0000L;
    private static final long IMAGE_SIZE = 1 << 20;

    @TempDir
    Path dir;

    private Path image(String name) throws IOException {
        Path file = dir.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(IMAGE_SIZE);
        }
        return file;
    }

    private static MachineConfig.Builder config() {
        return MachineConfig.builder().memoryMiB(16).kernel(new Kernel("testos", TestOsImage.bytes()))
                .cmdline("test=selftest").console(new ByteArrayOutputStream());
    }

    private static Drive drive(String id, Path file) {
        return new Drive(id, file, false, CacheMode.WRITEBACK, "serial-" + id);
    }

    /** A configuration read through mechanism #1, as firmware does it. */
    private static int configRead(IoBus ports, int slot, int register) {
        ports.write(0xCF8, 4, Integer.toUnsignedLong(ENABLE | slot << 11 | register));
        return (int) ports.read(0xCFC, 4);
    }

    private static int ecamRead(IoBus mmio, int bus, int slot, int register) {
        return (int) mmio.read(ECAM + ((long) bus << 20 | (long) slot << 15 | register), 4);
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    private static List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).toList();
    }

    @Test
    void drivesTakeSlotsFromTwoWithTheirBarsPlacedAndDoorbellsOnIoeventfds() throws IOException {
        try (Machine m = Machine.create(config().drive(drive("disk0", image("a.img")))
                .drive(drive("disk1", image("b.img"))).build())) {
            IoBus ports = m.portIo();
            IoBus mmio = m.mmio();
            assertEquals(0x1237_8086, configRead(ports, 0, 0), "host bridge: 440FX");
            assertEquals(0x0600_0002, configRead(ports, 0, 8), "host bridge class and revision");
            assertEquals(-1, configRead(ports, 1, 0), "slot 1 is empty");
            assertEquals(0x1042_1AF4, configRead(ports, 2, 0), "virtio-blk (modern) in slot 2");
            assertEquals(0x1042_1AF4, configRead(ports, 3, 0), "and slot 3");
            assertEquals(-1, configRead(ports, 4, 0));
            assertEquals(0x1042_1AF4, ecamRead(mmio, 0, 3, 0), "ECAM sees the same functions");
            assertEquals(-1, ecamRead(mmio, 1, 0, 0), "bus 1 is empty");
            assertEquals("reset control", ports.find(0xCF9).name(), "0xCF9 stays the reset register");
            assertEquals("PCI CONFIG_ADDRESS", ports.find(0xCF8).name());

            List<PcPci.PluggedDrive> drives = m.pci().drives();
            assertEquals(List.of(2, 3), drives.stream().map(PcPci.PluggedDrive::slot).toList());
            assertEquals(List.of("disk0", "disk1"), drives.stream().map(d -> d.drive().id()).toList());
            for (PcPci.PluggedDrive d : drives) {
                assertEquals(2, d.transport().bars().size(), d.drive().id() + " BARs");
                d.transport().bars().forEach(bar -> {
                    IoBus.Mapping mapping = d.bars().mapping(bar).orElseThrow(() -> new AssertionError(
                            d.drive().id() + " BAR" + bar.index() + " not decoded"));
                    assertTrue(mapping.base() >= 0xC000_0000L && mapping.end() <= 0xE000_0000L,
                            "in the memory window: " + mapping);
                    assertEquals(0, mapping.base() % bar.size(), "naturally aligned: " + mapping);
                    assertEquals(d.drive().id() + " BAR" + bar.index(), mapping.name());
                });
                int interrupt = configRead(ports, d.slot(), 0x3C);
                assertEquals(1, (interrupt >> 8) & 0xFF, "INTA#");
            }
            DoorbellNotifier notifier = m.pci().notifier();
            int doorbells = drives.stream().mapToInt(d -> d.transport().doorbells().size()).sum();
            assertTrue(doorbells >= 2, "each drive has at least one queue doorbell: " + doorbells);
            assertEquals(doorbells, notifier.watches().size(), "one ioeventfd per queue doorbell");
            for (DoorbellNotifier.Watch watch : notifier.watches()) {
                PcPci.PluggedDrive owner = drives.stream()
                        .filter(d -> d.transport().doorbells().contains(watch.doorbell())).findFirst().orElseThrow();
                long bar4 = owner.bars().mapping(owner.transport().bars().getLast()).orElseThrow().base();
                assertEquals(bar4 + watch.doorbell().offset(), watch.address(), watch.toString());
                assertTrue(watch.mmio());
                assertEquals(2, watch.doorbell().length(), "notify writes are 16-bit queue indexes");
            }
            assertTrue(threadNames().contains(DoorbellNotifier.THREAD_NAME));

            BlockDeviceException locked = assertThrows(BlockDeviceException.class,
                    () -> RawImage.open(dir.resolve("a.img"), false, CacheMode.WRITEBACK).close());
            assertTrue(locked.getMessage().contains("a.img"), locked.getMessage());
        }
        RawImage.open(dir.resolve("a.img"), false, CacheMode.WRITEBACK).close();
        RawImage.open(dir.resolve("b.img"), false, CacheMode.WRITEBACK).close();
    }

    @Test
    void machinesWithDrivesLeaveNoFdsThreadsOrLocksBehind() throws Exception {
        Path a = image("a.img");
        Path b = image("b.img");
        MachineConfig config = config().drive(drive("disk0", a)).drive(drive("disk1", b)).build();
        try (Machine warmUp = Machine.create(config)) {
            assertEquals(2, warmUp.pci().drives().size());
        }
        long fds = count(Path.of("/proc/self/fd"));
        long tasks = count(Path.of("/proc/self/task"));
        for (int i = 0; i < 10; i++) {
            try (Machine m = Machine.create(config)) {
                m.start();
                m.stop();
            }
        }
        assertEquals(fds, count(Path.of("/proc/self/fd")), "open fds after 10 machines with 2 drives");
        assertEquals(tasks, count(Path.of("/proc/self/task")), "threads after 10 machines with 2 drives");
        List<String> names = threadNames();
        assertFalse(names.contains(DoorbellNotifier.THREAD_NAME), names.toString());
        assertTrue(names.stream().noneMatch(n -> n.startsWith("disk0-io") || n.startsWith("disk1-io")), names.toString());
        RawImage.open(a, false, CacheMode.WRITEBACK).close();
        RawImage.open(b, false, CacheMode.WRITEBACK).close();
    }

    @Test
    void aDriveThatCannotOpenEndsCreateWithItsMessageAndNothingOpen() throws Exception {
        Path good = image("good.img");
        Path missing = dir.resolve("missing.img");
        MachineConfig config = config().drive(drive("disk0", good)).drive(drive("disk1", missing)).build();
        try (Machine warmUp = Machine.create(config().drive(drive("disk0", good)).build())) {
            assertEquals(1, warmUp.pci().drives().size());
        }
        long fds = count(Path.of("/proc/self/fd"));
        long tasks = count(Path.of("/proc/self/task"));
        BlockDeviceException e = assertThrows(BlockDeviceException.class, () -> Machine.create(config));
        assertTrue(e.getMessage().startsWith(missing.toString()) && e.getMessage().contains("ENOENT"), e.getMessage());
        assertEquals(fds, count(Path.of("/proc/self/fd")), "open fds after the failed create");
        assertEquals(tasks, count(Path.of("/proc/self/task")), "threads after the failed create");
        RawImage.open(good, false, CacheMode.WRITEBACK).close();
    }

    @Test
    void aMachineWithoutDrivesStillHasTheHostBridge() {
        try (Machine m = Machine.create(config().build())) {
            assertEquals(0x1237_8086, configRead(m.portIo(), 0, 0));
            assertEquals(List.of(), m.pci().drives());
            assertEquals("PCI ECAM", m.mmio().find(ECAM).name());
            assertEquals(0x1237_8086, ecamRead(m.mmio(), 0, 0, 0));
        }
    }
}
