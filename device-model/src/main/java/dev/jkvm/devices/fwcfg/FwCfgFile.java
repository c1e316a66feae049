package dev.jkvm.devices.fwcfg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One entry of the fw_cfg file directory ({@code struct FWCfgFile}): the item's size, its selector and its name,
 * all big-endian, 64 bytes in all.
 */
public record FwCfgFile(String name, int select, int size) {
    /** Size of {@code char name[]}, including the terminating NUL. */
    public static final int NAME_SIZE = 56;
    /** Size of one directory entry: u32 size, u16 select, u16 reserved, the name. */
    public static final int ENTRY_SIZE = Integer.BYTES + Short.BYTES + Short.BYTES + NAME_SIZE;

    public FwCfgFile {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (name.isEmpty() || bytes.length >= NAME_SIZE || !StandardCharsets.US_ASCII.newEncoder().canEncode(name)
                || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("fw_cfg file name '" + name + "': must be 1.." + (NAME_SIZE - 1)
                    + " ASCII characters without NUL");
        }
        if (select < FwCfgKey.FILE_FIRST || select > FwCfgKey.ENTRY_MASK) {
            throw new IllegalArgumentException("fw_cfg file " + name + ": selector 0x" + Integer.toHexString(select)
                    + " is outside the file range 0x20..0x3fff");
        }
    }

    /** Writes this entry at the buffer's position; the buffer's byte order is left as it was. */
    void writeTo(ByteBuffer out) {
        ByteOrder order = out.order();
        out.order(ByteOrder.BIG_ENDIAN);
        out.putInt(size);
        out.putShort((short) select);
        out.putShort((short) 0);
        byte[] ascii = name.getBytes(StandardCharsets.US_ASCII);
        out.put(ascii);
        out.put(new byte[NAME_SIZE - ascii.length]);
        out.order(order);
    }
}
