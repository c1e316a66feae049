package dev.jkvm.launcher;

import dev.jkvm.core.machine.Drive;
import dev.jkvm.core.machine.Nic;
import dev.jkvm.core.machine.PciFunction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The virtio PCI functions of the command line in the order QEMU 7.2's {@code pc} machine numbers their slots
 * (2, 3, …; checked with {@code info pci}): the {@code -nic} NICs first (QEMU makes them during machine init), then
 * every {@code -device} virtio-blk-pci and virtio-net-pci in command-line order, then the {@code if=virtio} drives.
 * Each {@code -netdev} must serve exactly one {@code -device virtio-net-pci}.
 */
final class PciFunctions {
    private PciFunctions() {
    }

    /** The functions in slot order, from the flags' texts and the parsed {@code -device} options. */
    static List<PciFunction> resolve(List<String> driveTexts, List<String> netdevTexts, List<String> nicTexts,
                                     List<DeviceArgument> devices) {
        Map<String, Drive> drives = new LinkedHashMap<>();
        for (Drive drive : DriveAttachments.resolve(driveTexts, devices)) {
            drives.put(drive.id(), drive);
        }
        Map<String, NetdevArgument> netdevs = new LinkedHashMap<>();
        for (String text : netdevTexts) {
            NetdevArgument netdev = NetdevArgument.parse(text);
            if (netdevs.putIfAbsent(netdev.id(), netdev) != null) {
                throw new UsageException(NetdevArgument.OPTION + " " + text + ": duplicate id '" + netdev.id()
                        + "' for netdev");
            }
        }

        List<PciFunction> ordered = new ArrayList<>();
        for (int i = 0; i < nicTexts.size(); i++) {
            Optional<NicArgument> parsed = NicArgument.parse(i, nicTexts.get(i));
            if (parsed.isEmpty()) {
                continue;
            }
            NicArgument nic = parsed.get();
            if (netdevs.containsKey(nic.id())) {
                throw new UsageException(NicArgument.OPTION + " " + nic.text() + ": duplicate id '" + nic.id()
                        + "' (a -netdev has it too)");
            }
            ordered.add(new PciFunction.Network(new Nic(nic.id(), nic.tap().ifname(), nic.tap().bridge(),
                    nic.mac().orElse(null))));
        }
        Map<String, NetdevArgument> unused = new LinkedHashMap<>(netdevs);
        for (DeviceArgument device : devices) {
            switch (device) {
                case DeviceArgument.VirtioBlkPci blk -> ordered.add(new PciFunction.Disk(drives.remove(blk.drive())));
                case DeviceArgument.VirtioNetPci net -> {
                    NetdevArgument netdev = unused.remove(net.netdev());
                    if (netdev == null) {
                        throw net.error(netdevs.containsKey(net.netdev())
                                ? "netdev '" + net.netdev() + "' is already in use by another device"
                                : "no -netdev has id=" + net.netdev());
                    }
                    ordered.add(new PciFunction.Network(new Nic(netdev.id(), netdev.ifname(), netdev.bridge(),
                            net.mac().orElse(null))));
                }
                case DeviceArgument.DebugExit ignored -> { }
            }
        }
        if (!unused.isEmpty()) {
            NetdevArgument netdev = unused.values().iterator().next();
            throw new UsageException(NetdevArgument.OPTION + " " + netdev.text() + ": no -device "
                    + DeviceArgument.VIRTIO_NET_PCI_DRIVER + ",netdev=" + netdev.id() + " uses it");
        }
        drives.values().forEach(drive -> ordered.add(new PciFunction.Disk(drive)));
        return List.copyOf(ordered);
    }
}
