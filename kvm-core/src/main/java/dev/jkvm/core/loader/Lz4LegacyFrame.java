package dev.jkvm.core.loader;

import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The LZ4 "legacy" frame that {@code lz4 -l} writes and Linux's unlz4 reads: the magic 0x184C2102, then blocks of
 * {u32 little-endian compressed size, LZ4 block}, each decompressing on its own to at most 8 MiB. A frame may
 * restart with the magic. Only the framing is here; each block goes to commons-compress's LZ4 block decoder.
 */
final class Lz4LegacyFrame {
    /** The frame magic, as a little-endian word. */
    static final int MAGIC = 0x184C2102;
    /** Size of the magic and of each block's length prefix. */
    private static final int WORD = 4;

    private Lz4LegacyFrame() {
    }

    /**
     * Decodes the frame in {@code data} into exactly {@code expected} bytes. A last word that cannot start a block
     * (nothing follows it) is the size trailer Linux's build appends, and ends the frame.
     */
    static byte[] decode(byte[] data, int expected) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (data.length < WORD || b.getInt(0) != MAGIC) {
            throw new IOException("no LZ4 legacy frame magic");
        }
        byte[] out = new byte[expected];
        int produced = 0;
        int pos = WORD;
        while (pos + WORD <= data.length) {
            int blockSize = b.getInt(pos);
            if (blockSize == MAGIC) {
                pos += WORD;
                continue;
            }
            if (pos + WORD == data.length) {
                break;
            }
            if (blockSize < 0 || blockSize > data.length - pos - WORD) {
                throw new IOException(String.format("LZ4 block at payload offset 0x%x claims %d bytes, past the end "
                        + "of the payload (%d bytes)", pos, Integer.toUnsignedLong(blockSize), data.length));
            }
            try (InputStream in = new BlockLZ4CompressorInputStream(
                    new ByteArrayInputStream(data, pos + WORD, blockSize))) {
                produced += in.readNBytes(out, produced, out.length - produced);
                if (in.read() >= 0) {
                    throw new IOException("LZ4 payload decompresses to more than the " + expected
                            + " bytes its size trailer says");
                }
            }
            pos += WORD + blockSize;
        }
        if (produced != expected) {
            throw new IOException("LZ4 payload decompressed to " + produced + " bytes; its size trailer says "
                    + expected);
        }
        return out;
    }
}
