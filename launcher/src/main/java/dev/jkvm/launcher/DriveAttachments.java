package dev.jkvm.launcher;

import dev.jkvm.core.machine.Drive;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pairs the {@code -drive} options with the {@code -device virtio-blk-pci} ones and orders the virtio-blk devices
 * as QEMU 7.2 creates them, which fixes their PCI slots (2, 3, …): every {@code -device} first, in command-line order,
 * then the {@code if=virtio} drives in command-line order (QEMU queues the device of an {@code if=virtio} drive
 * behind the {@code -device} options it has already read). An {@code if=none} drive no device uses is kept
 * without a device, as QEMU keeps it.
 */
final class DriveAttachments {
    private DriveAttachments() {
    }

    /** The drives in PCI slot order, from the {@code -drive} texts and the parsed {@code -device} options. */
    static List<Drive> resolve(List<String> driveTexts, List<DeviceArgument> devices) {
        Map<String, DriveArgument> byId = new LinkedHashMap<>();
        for (int i = 0; i < driveTexts.size(); i++) {
            DriveArgument drive = DriveArgument.parse(i, driveTexts.get(i));
            if (byId.putIfAbsent(drive.id(), drive) != null) {
                throw new UsageException(DriveArgument.OPTION + " " + drive.text() + ": duplicate id '" + drive.id()
                        + "' for drive");
            }
        }
        List<Drive> ordered = new ArrayList<>();
        Set<String> attached = new HashSet<>();
        for (DeviceArgument device : devices) {
            if (device instanceof DeviceArgument.VirtioBlkPci blk) {
                DriveArgument drive = byId.get(blk.drive());
                if (drive == null) {
                    throw blk.error("no -drive has id=" + blk.drive());
                }
                if (drive.attachment() != DriveInterface.NONE) {
                    throw blk.error("drive '" + drive.id() + "' is already attached by its -drive if="
                            + drive.attachment().qemuName() + " (did you need if=none there?)");
                }
                if (!attached.add(drive.id())) {
                    throw blk.error("drive '" + drive.id() + "' is already in use by another device");
                }
                ordered.add(drive.toDrive(blk.serial()));
            }
        }
        for (DriveArgument drive : byId.values()) {
            if (drive.attachment() == DriveInterface.VIRTIO) {
                ordered.add(drive.toDrive(Optional.empty()));
            }
        }
        return List.copyOf(ordered);
    }
}
