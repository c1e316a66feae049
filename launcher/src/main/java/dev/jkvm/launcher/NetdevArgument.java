package dev.jkvm.launcher;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One {@code -netdev tap,id=ID[,ifname=TAP][,br=BRIDGE][,script=no][,downscript=no]} or {@code -netdev
 * bridge,id=ID[,br=BRIDGE]}: a tap for a {@code -device virtio-net-pci,netdev=ID}. jkvm attaches the tap to the
 * bridge itself, so {@code bridge} is the same as {@code tap} with {@code br=} (default {@value #DEFAULT_BRIDGE},
 * as QEMU's bridge helper); it never runs QEMU's ifup/ifdown scripts, so only {@code script=no} is accepted.
 *
 * @param text the option as given, for messages
 * @param id the netdev's id, which names the NIC
 * @param ifname the tap to open or create, or null for a new one the kernel names
 * @param bridge the bridge to attach the tap to, or null for none
 */
record NetdevArgument(String text, String id, String ifname, String bridge) {
    /** The flag this parses, for messages. */
    static final String OPTION = "-netdev";
    /** The key QEMU implies for the leading element: the backend type. */
    static final String TYPE_KEY = "type";
    /** The backend that opens a tap. */
    static final String TAP = "tap";
    /** QEMU's bridge-helper backend: a new tap attached to {@code br=}. */
    static final String BRIDGE = "bridge";
    /** The bridge {@code -netdev bridge} attaches to when no {@code br=} is given, as in QEMU. */
    static final String DEFAULT_BRIDGE = "br0";
    /** The value that turns a QEMU ifup/ifdown script off. */
    static final String NO_SCRIPT = "no";
    /** QEMU's identifier rule for {@code id=}: a letter, then letters, digits, '-', '.', '_'. */
    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");

    static NetdevArgument parse(String text) {
        OptionList list = OptionList.parse(OPTION, text, TYPE_KEY);
        String type = list.take(TYPE_KEY).orElse("");
        Optional<String> id = list.take("id");
        if (id.isEmpty() || !IDENTIFIER.matcher(id.get()).matches()) {
            throw list.error(id.map(value -> "id=" + value + ": not an identifier (a letter, then letters, digits,"
                    + " '-', '.', '_')").orElse("id= is required (a -device virtio-net-pci,netdev=ID names it)"));
        }
        TapOptions tap = TapOptions.take(type, list, OPTION);
        list.requireAllTaken();
        return new NetdevArgument(text, id.get(), tap.ifname(), tap.bridge());
    }

    /**
     * The tap properties {@code -netdev} and {@code -nic} share, taken from {@code list}: {@code ifname=},
     * {@code br=}, {@code script=}, {@code downscript=} for {@code tap}; {@code br=} for {@code bridge}.
     */
    record TapOptions(String ifname, String bridge) {
        static TapOptions take(String type, OptionList list, String option) {
            switch (type) {
                case TAP -> {
                    Optional<String> ifname = list.take("ifname").filter(name -> !name.isEmpty());
                    Optional<String> bridge = list.take("br").filter(name -> !name.isEmpty());
                    for (String key : new String[] {"script", "downscript"}) {
                        list.take(key).filter(value -> !value.equals(NO_SCRIPT) && !value.isEmpty())
                                .ifPresent(value -> {
                                    throw list.error(key + "=" + value + ": jkvm does not run scripts; attach the tap"
                                            + " with br=BRIDGE instead (and give " + key + "=no or leave it out)");
                                });
                    }
                    return new TapOptions(ifname.orElse(null), bridge.orElse(null));
                }
                case BRIDGE -> {
                    list.take("helper").ifPresent(helper -> {
                        throw list.error("helper=" + helper + ": jkvm runs no bridge helper; it attaches the tap to"
                                + " br= itself");
                    });
                    return new TapOptions(null, list.take("br").filter(name -> !name.isEmpty())
                            .orElse(DEFAULT_BRIDGE));
                }
                default -> throw new UsageException(option + " " + (type.isEmpty() ? "(no type)" : type)
                        + ": unsupported network backend; jkvm has " + TAP + " (with br= to attach it to a bridge)"
                        + " and " + BRIDGE);
            }
        }
    }
}
