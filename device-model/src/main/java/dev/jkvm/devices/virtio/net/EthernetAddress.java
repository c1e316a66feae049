package dev.jkvm.devices.virtio.net;

import java.util.HexFormat;

/** A 48-bit Ethernet (MAC) address as the virtio-net configuration and control queue carry it: 6 bytes, in order. */
public record EthernetAddress(long bits) {
    /** Bytes in an Ethernet address. */
    public static final int LENGTH = 6;
    /** The 48 significant bits. */
    private static final long MASK = (1L << 48) - 1;
    /** Bit of the first byte marking a group (multicast/broadcast) address. */
    private static final long GROUP_BIT = 1L << 40;

    public EthernetAddress {
        if ((bits & ~MASK) != 0) {
            throw new IllegalArgumentException("0x%x is wider than 48 bits".formatted(bits));
        }
    }

    /** The address whose bytes are {@code bytes[offset .. offset+6)}. */
    public static EthernetAddress of(byte[] bytes, int offset) {
        if (offset < 0 || bytes.length - offset < LENGTH) {
            throw new IllegalArgumentException("an Ethernet address needs 6 bytes at offset " + offset + ", have "
                    + Math.max(0, bytes.length - offset));
        }
        long bits = 0;
        for (int i = 0; i < LENGTH; i++) {
            bits = bits << 8 | Byte.toUnsignedLong(bytes[offset + i]);
        }
        return new EthernetAddress(bits);
    }

    public static EthernetAddress of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("an Ethernet address has 6 bytes, not " + bytes.length);
        }
        return of(bytes, 0);
    }

    public byte[] bytes() {
        byte[] bytes = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            bytes[i] = (byte) (bits >>> (8 * (LENGTH - 1 - i)));
        }
        return bytes;
    }

    public boolean isMulticast() {
        return (bits & GROUP_BIT) != 0;
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(bytes());
    }
}
