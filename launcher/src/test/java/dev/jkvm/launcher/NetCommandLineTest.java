package dev.jkvm.launcher;

import dev.jkvm.core.machine.Nic;
import dev.jkvm.core.machine.PciFunction;
import dev.jkvm.devices.net.tap.MacAddress;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * QEMU's -netdev tap/bridge, -device virtio-net-pci and -nic flags as jkvm reads them: the NICs they describe, the
 * PCI slot order QEMU 7.2 gives them next to virtio-blk drives, and the one-line errors for what jkvm refuses. Nothing
 * here opens a tap: these are the launcher's checks, before any machine is built.
 */
class NetCommandLineTest {

    private static List<PciFunction> resolve(List<String> drives, List<String> netdevs, List<String> nics,
                                             String... devices) {
        return PciFunctions.resolve(drives, netdevs, nics, List.of(devices).stream().map(DeviceArgument::parse)
                .toList());
    }

    private static Nic onlyNic(List<PciFunction> functions) {
        assertEquals(1, functions.size(), functions.toString());
        return ((PciFunction.Network) functions.getFirst()).nic();
    }

    private static String usageError(Runnable parse) {
        return assertThrows(UsageException.class, parse::run).getMessage();
    }

    @Test
    void netdevTapWithDeviceGivesANicOnThatTapAndBridgeWithTheDevicesMac() {
        Nic nic = onlyNic(resolve(List.of(), List.of("tap,id=n0,ifname=tap0,br=br0,script=no,downscript=no"), List.of(),
                "virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56"));
        assertEquals(new Nic("n0", "tap0", "br0", MacAddress.parse("52:54:00:12:34:56")), nic);
    }

    @Test
    void netdevWithoutIfnameOrBridgeLeavesBothToTheKernelAndTheMacToTheMachine() {
        assertEquals(new Nic("n0", null, null, null),
                onlyNic(resolve(List.of(), List.of("tap,id=n0"), List.of(), "virtio-net-pci,netdev=n0")));
    }

    @Test
    void netdevBridgeIsANewTapOnBr0UnlessBrSaysOtherwise() {
        assertEquals(new Nic("n0", null, "br0", null),
                onlyNic(resolve(List.of(), List.of("bridge,id=n0"), List.of(), "virtio-net-pci,netdev=n0")));
        assertEquals(new Nic("n0", null, "virbr1", null),
                onlyNic(resolve(List.of(), List.of("bridge,id=n0,br=virbr1"), List.of(), "virtio-net-pci,netdev=n0")));
    }

    @Test
    void nicShortFormNumbersItsIdsAndTakesModelMacIfnameAndBridge() {
        List<PciFunction> functions = resolve(List.of(), List.of(), List.of("tap,br=br0",
                "tap,ifname=tap7,br=br0,mac=52:54:00:ab:cd:ef,model=virtio-net-pci,script=no,downscript=no",
                "none", "bridge,id=lan,model=virtio"));
        assertEquals(List.of(new PciFunction.Network(new Nic("nic0", null, "br0", null)),
                new PciFunction.Network(new Nic("nic1", "tap7", "br0", MacAddress.parse("52:54:00:ab:cd:ef"))),
                new PciFunction.Network(new Nic("lan", null, "br0", null))), functions);
    }

    /** QEMU 7.2 (info pci): -nic NICs at machine init, then -device in order, then if=virtio drives. */
    @Test
    void slotOrderIsQemusNicsThenDevicesInOrderThenIfVirtioDrives() {
        List<PciFunction> functions = resolve(List.of("file=/a.img,if=virtio,id=a", "file=/b.img,if=none,id=b"),
                List.of("tap,id=n1"), List.of("tap,br=br0"),
                "virtio-blk-pci,drive=b", "virtio-net-pci,netdev=n1", "isa-debug-exit");
        assertEquals(List.of("nic0", "b", "n1", "a"), functions.stream().map(PciFunction::id).toList());
        assertEquals(List.of(PciFunction.Network.class, PciFunction.Disk.class, PciFunction.Network.class,
                PciFunction.Disk.class), functions.stream().map(Object::getClass).toList());
    }

    @Test
    void scriptsOtherThanNoAreRefusedWithAPointerToBr() {
        String message = usageError(() -> resolve(List.of(), List.of("tap,id=n0,script=/etc/qemu-ifup"), List.of(),
                "virtio-net-pci,netdev=n0"));
        assertEquals("-netdev tap,id=n0,script=/etc/qemu-ifup: script=/etc/qemu-ifup: jkvm does not run scripts;"
                + " attach the tap with br=BRIDGE instead (and give script=no or leave it out)", message);
        assertEquals("-nic tap,downscript=/etc/qemu-ifdown: downscript=/etc/qemu-ifdown: jkvm does not run scripts;"
                        + " attach the tap with br=BRIDGE instead (and give downscript=no or leave it out)",
                usageError(() -> resolve(List.of(), List.of(), List.of("tap,downscript=/etc/qemu-ifdown"))));
    }

    @Test
    void malformedAndMulticastMacsAreRefusedNamingTheFlag() {
        assertEquals("-device virtio-net-pci,netdev=n0,mac=52:54:00:12:34: malformed MAC address \"52:54:00:12:34\":"
                        + " expected six two-digit hex octets separated by colons, e.g. 52:54:00:12:34:56",
                usageError(() -> DeviceArgument.parse("virtio-net-pci,netdev=n0,mac=52:54:00:12:34")));
        assertEquals("-nic tap,mac=01:00:5e:00:00:01: MAC address 01:00:5e:00:00:01 is a multicast address (the first"
                        + " octet is odd); a NIC needs a unicast one, e.g. 52:54:00:12:34:56",
                usageError(() -> resolve(List.of(), List.of(), List.of("tap,mac=01:00:5e:00:00:01"))));
    }

    @Test
    void netdevsAndDevicesMustPairOneToOne() {
        assertEquals("-device virtio-net-pci,netdev=n9: no -netdev has id=n9", usageError(() -> resolve(List.of(),
                List.of("tap,id=n0"), List.of(), "virtio-net-pci,netdev=n0", "virtio-net-pci,netdev=n9")));
        assertEquals("-device virtio-net-pci,netdev=n0: netdev 'n0' is already in use by another device",
                usageError(() -> resolve(List.of(), List.of("tap,id=n0"), List.of(), "virtio-net-pci,netdev=n0",
                        "virtio-net-pci,netdev=n0")));
        assertEquals("-netdev tap,id=n1,ifname=tap1: no -device virtio-net-pci,netdev=n1 uses it",
                usageError(() -> resolve(List.of(), List.of("tap,id=n0", "tap,id=n1,ifname=tap1"), List.of(),
                        "virtio-net-pci,netdev=n0")));
        assertEquals("-netdev tap,id=n0,ifname=tap1: duplicate id 'n0' for netdev", usageError(() -> resolve(List.of(),
                List.of("tap,id=n0", "tap,id=n0,ifname=tap1"), List.of(), "virtio-net-pci,netdev=n0")));
        assertEquals("-device virtio-net-pci: netdev= is required (the id of a -netdev tap)",
                usageError(() -> DeviceArgument.parse("virtio-net-pci")));
    }

    @Test
    void otherBackendsModelsAndPropertiesAreNamedInTheError() {
        assertEquals("-netdev user: unsupported network backend; jkvm has tap (with br= to attach it to a bridge)"
                + " and bridge", usageError(() -> NetdevArgument.parse("user,id=n0")));
        assertEquals("-nic tap,model=e1000: model=e1000: jkvm's only NIC is virtio-net-pci",
                usageError(() -> NicArgument.parse(0, "tap,model=e1000")));
        assertEquals("-netdev tap,id=n0,vhost=on: unknown property 'vhost'",
                usageError(() -> NetdevArgument.parse("tap,id=n0,vhost=on")));
        assertEquals("-netdev tap: id= is required (a -device virtio-net-pci,netdev=ID names it)",
                usageError(() -> NetdevArgument.parse("tap")));
        assertEquals("-netdev bridge,id=n0,helper=/usr/lib/qemu/qemu-bridge-helper: helper=/usr/lib/qemu/qemu-bridge-"
                        + "helper: jkvm runs no bridge helper; it attaches the tap to br= itself",
                usageError(() -> NetdevArgument.parse("bridge,id=n0,helper=/usr/lib/qemu/qemu-bridge-helper")));
    }

    @Test
    void aTapNameLinuxWouldRefuseIsAOneLineErrorOfTheWholeCommand() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"-nic", "tap,ifname=a-name-far-too-long"},
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        assertEquals(List.of("jkvm: NIC nic0: ifname=a-name-far-too-long is not an interface name (1 to 15 characters,"
                + " no '/', ':' or spaces)"), err.toString(StandardCharsets.UTF_8).lines().toList());
    }
}
