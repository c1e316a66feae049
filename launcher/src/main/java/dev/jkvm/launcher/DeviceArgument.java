package dev.jkvm.launcher;

import dev.jkvm.core.machine.MachineConfig;
import dev.jkvm.devices.net.tap.MacAddress;

import java.util.Optional;

/** QEMU's {@code -device DRIVER,PROP=VALUE,…} for the devices jkvm has. */
sealed interface DeviceArgument permits DeviceArgument.DebugExit, DeviceArgument.VirtioBlkPci,
        DeviceArgument.VirtioNetPci {
    /** The flag this parses, for messages. */
    String OPTION = "-device";
    /** The key QEMU implies for the leading element. */
    String DRIVER_KEY = "driver";
    /** QEMU's name for the test exit device. */
    String DEBUG_EXIT_DRIVER = "isa-debug-exit";
    /** QEMU's name for a virtio-blk device on PCI (virtio 1.x, modern only under jkvm). */
    String VIRTIO_BLK_PCI_DRIVER = "virtio-blk-pci";
    /** QEMU's name for a virtio-net device on PCI (virtio 1.x, modern only under jkvm). */
    String VIRTIO_NET_PCI_DRIVER = "virtio-net-pci";

    /** {@code isa-debug-exit[,iobase=…][,iosize=…]}. */
    record DebugExit(MachineConfig.DebugExitPort port) implements DeviceArgument {
        /** QEMU's default isa-debug-exit I/O base. */
        static final int DEFAULT_BASE = 0x501;
        /** QEMU's default isa-debug-exit I/O size. */
        static final int DEFAULT_SIZE = 2;
        /** One past the last I/O port. */
        static final int PORT_SPACE = 0x10000;

        static DebugExit parse(OptionList list) {
            int base = number(list, "iobase", DEFAULT_BASE);
            int size = number(list, "iosize", DEFAULT_SIZE);
            list.requireAllTaken();
            if (base < 0 || size < 1 || base + size > PORT_SPACE) {
                throw list.error("I/O range outside 0..0xffff");
            }
            return new DebugExit(new MachineConfig.DebugExitPort(base, size));
        }

        private static int number(OptionList list, String key, int fallback) {
            return list.take(key).map(value -> {
                try {
                    return value.startsWith("0x") || value.startsWith("0X")
                            ? Integer.parseInt(value.substring(2), 16) : Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw list.error("'" + value + "' is not a number");
                }
            }).orElse(fallback);
        }
    }

    /**
     * {@code virtio-blk-pci,drive=ID[,serial=S]}: attaches the {@code if=none} drive {@code ID}.
     *
     * @param text the option as given, for messages
     * @param drive the id of the drive
     * @param serial the serial the device reports, overriding the drive's
     */
    record VirtioBlkPci(String text, String drive, Optional<String> serial) implements DeviceArgument {
        static VirtioBlkPci parse(String text, OptionList list) {
            Optional<String> drive = list.take("drive");
            Optional<String> serial = list.take("serial");
            list.requireAllTaken();
            if (drive.isEmpty() || drive.get().isEmpty()) {
                throw list.error("drive= is required (the id of an if=none -drive)");
            }
            serial.ifPresent(value -> DriveArgument.checkSerial(list, value));
            return new VirtioBlkPci(text, drive.get(), serial);
        }

        /** A usage error about this device. */
        UsageException error(String problem) {
            return new UsageException(OPTION + " " + text + ": " + problem);
        }
    }

    /**
     * {@code virtio-net-pci,netdev=ID[,mac=MAC]}: a NIC on the tap of {@code -netdev …,id=ID}.
     *
     * @param text the option as given, for messages
     * @param netdev the id of the netdev
     * @param mac the guest's address, or empty for the default
     */
    record VirtioNetPci(String text, String netdev, Optional<MacAddress> mac) implements DeviceArgument {
        static VirtioNetPci parse(String text, OptionList list) {
            Optional<String> netdev = list.take("netdev");
            Optional<MacAddress> mac = takeMac(list);
            list.requireAllTaken();
            if (netdev.isEmpty() || netdev.get().isEmpty()) {
                throw list.error("netdev= is required (the id of a -netdev tap)");
            }
            return new VirtioNetPci(text, netdev.get(), mac);
        }

        /** {@code mac=}, consumed and checked: a unicast address in the colon form. */
        static Optional<MacAddress> takeMac(OptionList list) {
            return list.take("mac").map(text -> {
                try {
                    return MacAddress.parseNicAddress(text);
                } catch (IllegalArgumentException e) {
                    throw list.error(e.getMessage());
                }
            });
        }

        /** A usage error about this device. */
        UsageException error(String problem) {
            return new UsageException(OPTION + " " + text + ": " + problem);
        }
    }

    static DeviceArgument parse(String text) {
        OptionList list = OptionList.parse(OPTION, text, DRIVER_KEY);
        String driver = list.take(DRIVER_KEY).orElse("");
        return switch (driver) {
            case DEBUG_EXIT_DRIVER -> DebugExit.parse(list);
            case VIRTIO_BLK_PCI_DRIVER -> VirtioBlkPci.parse(text, list);
            case VIRTIO_NET_PCI_DRIVER -> VirtioNetPci.parse(text, list);
            default -> throw new UsageException(OPTION + " " + driver + ": unknown device (jkvm has: "
                    + DEBUG_EXIT_DRIVER + ", " + VIRTIO_BLK_PCI_DRIVER + ", " + VIRTIO_NET_PCI_DRIVER + ")");
        };
    }
}
