package dev.jkvm.launcher;

import dev.jkvm.core.machine.Drive;
import dev.jkvm.core.machine.MachineConfig;
import dev.jkvm.devices.block.CacheMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code -drive} and {@code -device virtio-blk-pci} parsed in-process: every key, QEMU's {@code ,,} escaping, the
 * defaults, the pairing of if=none drives with devices, QEMU's slot order, and the one-line messages of bad input.
 */
class DriveOptionsTest {

    private static List<Drive> resolve(List<String> drives, String... devices) {
        return DriveAttachments.resolve(drives, java.util.Arrays.stream(devices).map(DeviceArgument::parse).toList());
    }

    private static String error(List<String> drives, String... devices) {
        return assertThrows(UsageException.class, () -> resolve(drives, devices)).getMessage();
    }

    @Test
    void aBareDriveIsARawVirtioDiskWithQemuDefaults() {
        assertEquals(List.of(new Drive("drive0", Path.of("disk.img"), false, CacheMode.WRITEBACK, null)),
                resolve(List.of("file=disk.img")));
    }

    @Test
    void everyKeyIsRead() {
        assertEquals(List.of(new Drive("boot", Path.of("/images/a.img"), true, CacheMode.NONE, "jkvm-a")),
                resolve(List.of("file=/images/a.img,format=raw,if=virtio,id=boot,readonly=on,cache=none,serial=jkvm-a")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "on|true", "yes|true", "true|true", "off|false", "no|false", "false|false"})
    void readonlyTakesQemuBooleans(String value, boolean readOnly) {
        assertEquals(readOnly, resolve(List.of("file=a.img,readonly=" + value)).getFirst().readOnly());
    }

    @Test
    void cacheModesByTheirQemuNames() {
        assertEquals(List.of(CacheMode.WRITEBACK, CacheMode.NONE),
                resolve(List.of("file=a.img,cache=writeback", "file=b.img,cache=none")).stream().map(Drive::cache).toList());
    }

    @Test
    void doubledCommasAreLiteralCommasInValues() {
        Drive drive = resolve(List.of("file=/tmp/a,,b,,,,c.img,serial=x,,y")).getFirst();
        assertEquals(Path.of("/tmp/a,b,,c.img"), drive.file());
        assertEquals("x,y", drive.serial());
    }

    @Test
    void anEqualsSignInsideAValueIsKept() {
        assertEquals(Path.of("/tmp/k=v.img"), resolve(List.of("file=/tmp/k=v.img")).getFirst().file());
    }

    @Test
    void theLastOfARepeatedKeyWinsAsInQemuAndATrailingCommaIsAllowed() {
        assertEquals(CacheMode.NONE, resolve(List.of("file=a.img,cache=writeback,cache=none,")).getFirst().cache());
    }

    @Test
    void generatedIdsCountEveryDriveOption() {
        List<Drive> drives = resolve(List.of("file=a.img", "file=b.img,if=none,id=spare", "file=c.img"));
        assertEquals(List.of("drive0", "drive2"), drives.stream().map(Drive::id).toList());
    }

    @Test
    void aDeviceAttachesAnIfNoneDriveAndItsSerialWins() {
        assertEquals(List.of(new Drive("d1", Path.of("b.img"), false, CacheMode.NONE, "dev-serial")),
                resolve(List.of("file=b.img,if=none,id=d1,cache=none,serial=drive-serial"),
                        "virtio-blk-pci,drive=d1,serial=dev-serial"));
    }

    @Test
    void aDeviceWithoutASerialKeepsTheDrives() {
        assertEquals("drive-serial", resolve(List.of("file=b.img,if=none,id=d1,serial=drive-serial"),
                "virtio-blk-pci,drive=d1").getFirst().serial());
    }

    @Test
    void anUnusedIfNoneDriveIsKeptWithoutADeviceAsQemuDoes() {
        assertEquals(List.of(), resolve(List.of("file=b.img,if=none,id=spare")));
    }

    @Test
    void devicesTakeTheFirstSlotsThenIfVirtioDrivesAsInQemu() {
        // QEMU 7.2 (info qtree): -drive a,if=virtio -drive b,if=none,id=d1 -device virtio-blk-pci,drive=d1
        // puts d1 at 00:02.0 and the if=virtio drive at 00:03.0.
        List<Drive> drives = resolve(List.of("file=a.img,if=virtio", "file=b.img,if=none,id=d1",
                "file=c.img,if=none,id=d2", "file=d.img"), "virtio-blk-pci,drive=d2", "virtio-blk-pci,drive=d1");
        assertEquals(List.of("d2", "d1", "drive0", "drive3"), drives.stream().map(Drive::id).toList());
    }

    @Test
    void debugExitStillParsesBesideTheBlockDevices() {
        assertEquals(new DeviceArgument.DebugExit(new MachineConfig.DebugExitPort(0xf4, 4)),
                DeviceArgument.parse("isa-debug-exit,iobase=0xf4,iosize=0x04"));
        assertEquals(new DeviceArgument.DebugExit(new MachineConfig.DebugExitPort(0x501, 2)),
                DeviceArgument.parse("isa-debug-exit"));
        assertEquals(new DeviceArgument.VirtioBlkPci("virtio-blk-pci,drive=d,serial=a,,b", "d", Optional.of("a,b")),
                DeviceArgument.parse("virtio-blk-pci,drive=d,serial=a,,b"));
    }

    @ParameterizedTest(name = "-drive {0}")
    @CsvSource(delimiter = '|', value = {
            "file=a.img,format=qcow2|-drive file=a.img,format=qcow2: format=qcow2: jkvm supports only raw images",
            "file=a.img,format=vmdk|-drive file=a.img,format=vmdk: format=vmdk: jkvm supports only raw images",
            "file=a.img,if=ide|-drive file=a.img,if=ide: if=ide: jkvm supports if=virtio and if=none",
            "file=a.img,if=scsi|-drive file=a.img,if=scsi: if=scsi: jkvm supports if=virtio and if=none",
            "file=a.img,if=usb3|-drive file=a.img,if=usb3: if=usb3: unsupported bus type (jkvm supports if=virtio and if=none)",
            "file=a.img,frob=1|-drive file=a.img,frob=1: unknown property 'frob'",
            "file=a.img,frob=1,snap=2|-drive file=a.img,frob=1,snap=2: unknown properties 'frob', 'snap'",
            "if=virtio|-drive if=virtio: file= is required (jkvm has no removable media)",
            "file=,if=virtio|-drive file=,if=virtio: file= is required (jkvm has no removable media)",
            "a.img|-drive a.img: 'a.img' has no value (expected a.img=…)",
            "file=a.img,readonly=maybe|-drive file=a.img,readonly=maybe: readonly=maybe: expected 'on' or 'off'",
            "file=a.img,cache=unsafe|-drive file=a.img,cache=unsafe: cache=unsafe: jkvm supports cache=writeback and cache=none",
            "file=a.img,cache=directsync|-drive file=a.img,cache=directsync: cache=directsync: jkvm supports cache=writeback and cache=none",
            "file=a.img,id=1st|-drive file=a.img,id=1st: id=1st: not an identifier (a letter, then letters, digits, '-', '.', '_')",
            "file=a.img,serial=123456789012345678901|-drive file=a.img,serial=123456789012345678901: serial=123456789012345678901: longer than the 20 bytes of the virtio-blk ID",
            "file=a.img,serial=tab\there|-drive file=a.img,serial=tab\there: serial=tab\there: only printable ASCII fits the virtio-blk ID",
            "file=a.img,=x|-drive file=a.img,=x: a value without a key",
    })
    void badDriveOptions(String drive, String message) {
        assertEquals(message, error(List.of(drive)));
    }

    @Test
    void aTwentyByteSerialFits() {
        assertEquals("12345678901234567890", resolve(List.of("file=a.img,serial=12345678901234567890")).getFirst().serial());
    }

    @Test
    void duplicateIds() {
        assertEquals("-drive file=b.img,id=x: duplicate id 'x' for drive",
                error(List.of("file=a.img,id=x", "file=b.img,id=x")));
    }

    @ParameterizedTest(name = "-device {1}")
    @CsvSource(delimiter = '|', value = {
            "file=a.img,if=none,id=d1|virtio-blk-pci|-device virtio-blk-pci: drive= is required (the id of an if=none -drive)",
            "file=a.img,if=none,id=d1|virtio-blk-pci,drive=nope|-device virtio-blk-pci,drive=nope: no -drive has id=nope",
            "file=a.img,if=none,id=d1|virtio-blk-pci,drive=d1,frob=2|-device virtio-blk-pci,drive=d1,frob=2: unknown property 'frob'",
            "file=a.img,id=d1|virtio-blk-pci,drive=d1|-device virtio-blk-pci,drive=d1: drive 'd1' is already attached by its -drive if=virtio (did you need if=none there?)",
            "file=a.img,if=none,id=d1|virtio-blk-pci,drive=d1,serial=123456789012345678901|-device virtio-blk-pci,drive=d1,serial=123456789012345678901: serial=123456789012345678901: longer than the 20 bytes of the virtio-blk ID",
            "file=a.img,if=none,id=d1|virtio-blk-pci,drive|-device virtio-blk-pci,drive: 'drive' has no value (expected drive=…)",
    })
    void badDeviceOptions(String drive, String device, String message) {
        assertEquals(message, error(List.of(drive), device));
    }

    @Test
    void oneDriveCannotBackTwoDevices() {
        assertEquals("-device virtio-blk-pci,drive=d1,serial=two: drive 'd1' is already in use by another device",
                error(List.of("file=a.img,if=none,id=d1"), "virtio-blk-pci,drive=d1", "virtio-blk-pci,drive=d1,serial=two"));
    }

    @Test
    void unknownDeviceNamesWhatJkvmHas() {
        assertEquals("-device e1000: unknown device (jkvm has: isa-debug-exit, virtio-blk-pci,"
                        + " virtio-net-pci)",
                assertThrows(UsageException.class, () -> DeviceArgument.parse("e1000,netdev=n0")).getMessage());
    }
}
