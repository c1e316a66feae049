package dev.jkvm.core.machine;

import dev.jkvm.devices.net.tap.MacAddress;

import java.util.Objects;

/**
 * A virtio-net PCI NIC whose host end is a tap ({@code -netdev tap,…} with {@code -device virtio-net-pci}, or
 * {@code -nic tap,…}).
 *
 * @param id the NIC's id (QEMU's netdev {@code id=}, or a generated one), for messages and thread names
 * @param ifname the tap to open or create, or null to let the kernel name a new one {@code tapN}
 * @param bridge the bridge to make the tap a port of ({@code br=}), or null to leave the tap's ports alone
 * @param mac the guest's address, or null for the machine's default ({@link MacAddress#generate}, see
 *        {@link MachineConfig})
 */
public record Nic(String id, String ifname, String bridge, MacAddress mac) {
    /** Longest interface name Linux takes: IFNAMSIZ (16) less the terminating NUL. */
    public static final int MAX_IFNAME_LENGTH = 15;

    public Nic {
        Objects.requireNonNull(id, "id");
        checkInterfaceName(id, "ifname", ifname);
        checkInterfaceName(id, "br", bridge);
        if (mac != null && (mac.isMulticast() || mac.bits() == 0)) {
            throw new IllegalArgumentException("NIC " + id + ": MAC address " + mac
                    + " is not a unicast NIC address, e.g. 52:54:00:12:34:56");
        }
    }

    /** This NIC with {@code address} as its MAC. */
    public Nic withMac(MacAddress address) {
        return new Nic(id, ifname, bridge, Objects.requireNonNull(address, "address"));
    }

    /** The rule of Linux's dev_valid_name: 1 to 15 bytes, not "." or "..", no '/', ':' or white space. */
    private static void checkInterfaceName(String id, String what, String name) {
        if (name == null) {
            return;
        }
        boolean valid = !name.isEmpty() && name.length() <= MAX_IFNAME_LENGTH && !name.equals(".")
                && !name.equals("..") && name.chars().allMatch(c -> c > ' ' && c < 0x7F && c != '/' && c != ':');
        if (!valid) {
            throw new IllegalArgumentException("NIC " + id + ": " + what + "=" + name + " is not an interface name"
                    + " (1 to " + MAX_IFNAME_LENGTH + " characters, no '/', ':' or spaces)");
        }
    }
}
