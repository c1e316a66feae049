package dev.jkvm.devices.net.tap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A 48-bit Ethernet (IEEE 802) MAC address, written {@code 52:54:00:12:34:56}.
 *
 * @param bits the address, first octet in bits 40-47
 */
public record MacAddress(long bits) {

    /** Octets in a MAC address. */
    public static final int LENGTH = 6;
    /** The OUI QEMU and libvirt give guest NICs, 52:54:00 (a locally administered unicast prefix). */
    public static final int QEMU_OUI = 0x52_54_00;
    /** The all-ones broadcast address. */
    public static final MacAddress BROADCAST = new MacAddress(0xFFFF_FFFF_FFFFL);
    /** NICs per VM {@link #generate} can number: two bits of the 24 left after the OUI and a 22-bit pid. */
    public static final int GENERATED_NICS_PER_VM = 4;

    /** Bits in a MAC address. */
    private static final int BITS = 48;
    /** Bits of a pid: Linux's PID_MAX_LIMIT on 64-bit is 2^22, so every pid fits. */
    private static final int PID_BITS = 22;
    /** The I/G bit of the first octet: set for group (multicast and broadcast) addresses. */
    private static final long GROUP_BIT = 0x01L << 40;
    /** The U/L bit of the first octet: set for locally administered addresses. */
    private static final long LOCAL_BIT = 0x02L << 40;
    /** Six two-digit hex octets separated by colons, the form ip, QEMU and libvirt print. */
    private static final Pattern SYNTAX = Pattern.compile("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}");

    public MacAddress {
        if (bits < 0 || bits >>> BITS != 0) {
            throw new IllegalArgumentException("0x" + Long.toHexString(bits) + " is not a 48-bit MAC address");
        }
    }

    /**
     * Parses {@code 52:54:00:12:34:56} (either case).
     *
     * @throws IllegalArgumentException one line naming the text and the expected form
     */
    public static MacAddress parse(String text) {
        if (text == null || !SYNTAX.matcher(text).matches()) {
            throw new IllegalArgumentException("malformed MAC address \"" + text
                    + "\": expected six two-digit hex octets separated by colons, e.g. 52:54:00:12:34:56");
        }
        return new MacAddress(HexFormat.fromHexDigitsToLong(text.replace(":", "")));
    }

    /**
     * Parses the MAC address of a NIC ({@code mac=}): as {@link #parse}, and it must be a unicast address
     * other than 00:00:00:00:00:00, since a NIC cannot own a group address.
     */
    public static MacAddress parseNicAddress(String text) {
        MacAddress address = parse(text);
        if (address.isMulticast()) {
            throw new IllegalArgumentException("MAC address " + address + " is a multicast address (the first"
                    + " octet is odd); a NIC needs a unicast one, e.g. 52:54:00:12:34:56");
        }
        if (address.bits == 0) {
            throw new IllegalArgumentException("MAC address 00:00:00:00:00:00 is not a valid NIC address");
        }
        return address;
    }

    /**
     * The default address of a VM's NIC, in QEMU's 52:54:00 range: the low 24 bits are the VM process's
     * {@code pid} and the NIC's {@code nicIndex} (0 for the first NIC), so two VMs running on one host at
     * the same time never share an address. VMs in different pid namespaces (containers) or on different
     * hosts sharing one bridge can collide: give them explicit {@code mac=} addresses.
     *
     * @param pid the VM process's pid ({@code ProcessHandle.current().pid()})
     * @param nicIndex the NIC's number, counted by the caller, 0 to {@link #GENERATED_NICS_PER_VM} - 1
     */
    public static MacAddress generate(long pid, int nicIndex) {
        if (pid <= 0 || pid >>> PID_BITS != 0) {
            throw new IllegalArgumentException("pid " + pid + " is outside Linux's pid range 1.." + ((1 << PID_BITS) - 1));
        }
        if (nicIndex < 0 || nicIndex >= GENERATED_NICS_PER_VM) {
            throw new IllegalArgumentException("NIC " + nicIndex + " has no default MAC address: jkvm numbers the"
                    + " first " + GENERATED_NICS_PER_VM + " NICs of a VM; give this one mac=");
        }
        long low = pid * GENERATED_NICS_PER_VM + nicIndex;
        return new MacAddress((long) QEMU_OUI << 24 | low);
    }

    /** The address whose six octets start at {@code offset} in {@code segment} (e.g. in an Ethernet frame). */
    public static MacAddress read(MemorySegment segment, long offset) {
        long bits = 0;
        for (int i = 0; i < LENGTH; i++) {
            bits = bits << 8 | Byte.toUnsignedLong(segment.get(ValueLayout.JAVA_BYTE, offset + i));
        }
        return new MacAddress(bits);
    }

    /** Writes the six octets, first octet first, at {@code offset} in {@code segment}. */
    public void write(MemorySegment segment, long offset) {
        for (int i = 0; i < LENGTH; i++) {
            segment.set(ValueLayout.JAVA_BYTE, offset + i, octet(i));
        }
    }

    /** The six octets, first octet first (as on the wire and in virtio-net's config space). */
    public byte[] toBytes() {
        byte[] octets = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            octets[i] = octet(i);
        }
        return octets;
    }

    /** Whether this is a group (multicast or broadcast) address. */
    public boolean isMulticast() {
        return (bits & GROUP_BIT) != 0;
    }

    /** Whether this is a locally administered address (QEMU's 52:54:00 range is). */
    public boolean isLocallyAdministered() {
        return (bits & LOCAL_BIT) != 0;
    }

    /** {@code 52:54:00:12:34:56}. */
    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(toBytes());
    }

    private byte octet(int index) {
        return (byte) (bits >>> (8 * (LENGTH - 1 - index)));
    }
}
