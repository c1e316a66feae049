package dev.jkvm.launcher;

import dev.jkvm.devices.net.tap.MacAddress;

import java.util.Optional;
import java.util.Set;

/**
 * One {@code -nic tap[,id=ID][,ifname=TAP][,br=BRIDGE][,mac=MAC][,model=virtio-net-pci][,script=no]
 * [,downscript=no]} (or {@code -nic bridge[,br=BRIDGE]…}): a virtio-net PCI NIC and its tap in one flag, QEMU's short
 * form of a {@code -netdev} plus a {@code -device}. {@code -nic none} asks for no NIC, which jkvm never adds anyway.
 *
 * @param text the option as given, for messages
 * @param id {@code id=}, or {@code nic<N>} for the N-th -nic (from 0)
 * @param tap the tap and its bridge
 * @param mac {@code mac=}, or empty for the default
 */
record NicArgument(String text, String id, NetdevArgument.TapOptions tap, Optional<MacAddress> mac) {
    /** The flag this parses, for messages. */
    static final String OPTION = "-nic";
    /** Prefix of the ids given to -nic NICs without {@code id=}. */
    static final String DEFAULT_ID_PREFIX = "nic";
    /** {@code -nic none}: no NIC. */
    static final String NONE = "none";
    /** The NIC models jkvm has, as QEMU spells them ({@code model=virtio} is QEMU's alias). */
    static final Set<String> MODELS = Set.of(DeviceArgument.VIRTIO_NET_PCI_DRIVER, "virtio");

    /** Parses the {@code index}-th (from 0) {@code -nic}; empty for {@code -nic none}. */
    static Optional<NicArgument> parse(int index, String text) {
        OptionList list = OptionList.parse(OPTION, text, NetdevArgument.TYPE_KEY);
        String type = list.take(NetdevArgument.TYPE_KEY).orElse("");
        if (type.equals(NONE)) {
            list.requireAllTaken();
            return Optional.empty();
        }
        Optional<String> id = list.take("id");
        id.filter(value -> !NetdevArgument.IDENTIFIER.matcher(value).matches()).ifPresent(value -> {
            throw list.error("id=" + value + ": not an identifier (a letter, then letters, digits, '-', '.', '_')");
        });
        list.take("model").filter(model -> !MODELS.contains(model)).ifPresent(model -> {
            throw list.error("model=" + model + ": jkvm's only NIC is " + DeviceArgument.VIRTIO_NET_PCI_DRIVER);
        });
        Optional<MacAddress> mac = DeviceArgument.VirtioNetPci.takeMac(list);
        NetdevArgument.TapOptions tap = NetdevArgument.TapOptions.take(type, list, OPTION);
        list.requireAllTaken();
        return Optional.of(new NicArgument(text, id.orElse(DEFAULT_ID_PREFIX + index), tap, mac));
    }
}
