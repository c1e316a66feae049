package dev.jkvm.headers.net;

import dev.jkvm.headers.Layouts;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

import static dev.jkvm.headers.Layouts.anonymousUnion;
import static dev.jkvm.headers.Layouts.array;
import static dev.jkvm.headers.Layouts.pointer;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u16;
import static dev.jkvm.headers.Layouts.u32;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * {@code struct ifreq} from {@code <linux/if.h>} (and glibc's {@code <net/if.h>}): an interface name plus one
 * value, the argument of TUNSETIFF, TUNGETIFF and the SIOC* interface ioctls.
 *
 * <p>The members are named by the accessor macros everyone uses ({@code ifr_name}, {@code ifr_flags},
 * {@code ifr_ifindex}...), which expand to {@code ifr_ifrn.ifrn_name}, {@code ifr_ifru.ifru_flags} and so on;
 * {@code offsetof(struct ifreq, ifr_flags)} is valid C, so the probe checks them under the same names. The
 * {@code ifr_ifru} union is modelled with the members jkvm uses and padded to its C size (24 bytes, the size of
 * {@code struct ifmap}); {@code ifr_data} gives it the pointer alignment the C union has.
 */
public final class Ifreq {

    /** Size of {@code ifr_ifru}: its largest member, {@code struct ifmap}. */
    private static final long IFRU_SIZE = 24;

    /** The C layout, 40 bytes. */
    public static final StructLayout LAYOUT = struct("ifreq",
            array("ifr_name", NetConstants.IFNAMSIZ, JAVA_BYTE),
            anonymousUnion(u16("ifr_flags"), u32("ifr_ifindex"), u32("ifr_mtu"), pointer("ifr_data"),
                    MemoryLayout.paddingLayout(IFRU_SIZE)));

    /** Offset of {@code char ifr_name[IFNAMSIZ]}. */
    public static final long OFFSET_IFR_NAME = Layouts.offset(LAYOUT, "ifr_name");
    /** Offset of {@code short ifr_flags}. */
    public static final long OFFSET_IFR_FLAGS = Layouts.offset(LAYOUT, "ifr_flags");
    /** Offset of {@code int ifr_ifindex}. */
    public static final long OFFSET_IFR_IFINDEX = Layouts.offset(LAYOUT, "ifr_ifindex");
    /** Offset of {@code int ifr_mtu}. */
    public static final long OFFSET_IFR_MTU = Layouts.offset(LAYOUT, "ifr_mtu");
    /** Offset of {@code void *ifr_data}. */
    public static final long OFFSET_IFR_DATA = Layouts.offset(LAYOUT, "ifr_data");

    /** {@code short ifr_flags}: IFF_* flags (TUNSETIFF's IFF_TAP..., SIOCGIFFLAGS's IFF_UP...). */
    public static final VarHandle IFR_FLAGS = Layouts.varHandle(LAYOUT, "ifr_flags");
    /** {@code int ifr_ifindex}: an interface index (SIOCGIFINDEX's answer, SIOCBRADDIF's port). */
    public static final VarHandle IFR_IFINDEX = Layouts.varHandle(LAYOUT, "ifr_ifindex");
    /** {@code int ifr_mtu}: the MTU (SIOCGIFMTU, SIOCSIFMTU). */
    public static final VarHandle IFR_MTU = Layouts.varHandle(LAYOUT, "ifr_mtu");
    /** {@code void *ifr_data}: a pointer for device-private ioctls. */
    public static final VarHandle IFR_DATA = Layouts.varHandle(LAYOUT, "ifr_data");

    private Ifreq() {
    }

    /**
     * Writes {@code name} NUL-terminated into {@code ifr_name}, after checking it is a name the kernel accepts
     * ({@code dev_valid_name}): 1 to IFNAMSIZ-1 bytes, not {@code .} or {@code ..}, no {@code /}, {@code :} or
     * white space. The empty name is allowed: TUNSETIFF then picks {@code tapN} itself.
     *
     * @throws IllegalArgumentException naming the name and what is wrong with it
     */
    public static void setName(MemorySegment ifreq, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= NetConstants.IFNAMSIZ) {
            throw new IllegalArgumentException("interface name \"" + name + "\" is " + bytes.length
                    + " bytes long; Linux allows at most " + (NetConstants.IFNAMSIZ - 1));
        }
        if (name.equals(".") || name.equals("..") || name.chars().anyMatch(
                c -> c == '/' || c == ':' || Character.isWhitespace(c) || c == 0)) {
            throw new IllegalArgumentException("interface name \"" + name
                    + "\" is not valid: it must not be . or .., nor contain '/', ':', NUL or white space");
        }
        MemorySegment field = ifreq.asSlice(OFFSET_IFR_NAME, NetConstants.IFNAMSIZ);
        field.fill((byte) 0);
        MemorySegment.copy(bytes, 0, field, JAVA_BYTE, 0, bytes.length);
    }

    /** Reads {@code ifr_name} up to its NUL (the kernel writes the chosen name back on TUNSETIFF). */
    public static String name(MemorySegment ifreq) {
        MemorySegment field = ifreq.asSlice(OFFSET_IFR_NAME, NetConstants.IFNAMSIZ);
        int length = 0;
        while (length < NetConstants.IFNAMSIZ && field.get(JAVA_BYTE, length) != 0) {
            length++;
        }
        return new String(field.asSlice(0, length).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }
}
