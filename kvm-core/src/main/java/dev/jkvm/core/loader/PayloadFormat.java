package dev.jkvm.core.loader;

import java.util.Arrays;
import java.util.Optional;

/**
 * The compression formats a Linux bzImage payload comes in (CONFIG_KERNEL_*), told apart by their leading magic
 * bytes, as the kernel's own decompressor selection (lib/decompress.c) does.
 */
public enum PayloadFormat {
    /** RFC 1952 gzip member. */
    GZIP("gzip", 0x1F, 0x8B),
    /** bzip2 stream ("BZh"). */
    BZIP2("bzip2", 'B', 'Z', 'h'),
    /** .xz container (with the x86 BCJ filter, as the kernel's build uses it). */
    XZ("xz", 0xFD, '7', 'z', 'X', 'Z', 0x00),
    /** Legacy .lzma ("LZMA_Alone"): properties byte 0x5D, then the dictionary size. */
    LZMA("lzma", 0x5D, 0x00, 0x00),
    /** lzop container; jkvm has no LZO decoder, so such kernels decompress themselves. */
    LZO("lzo", 0x89, 'L', 'Z', 'O'),
    /** LZ4 legacy frame (lz4 -l), as Debian's cloud kernels use: magic then length-prefixed independent blocks. */
    LZ4_LEGACY("lz4", 0x02, 0x21, 0x4C, 0x18),
    /** Zstandard frame (RFC 8878). */
    ZSTD("zstd", 0x28, 0xB5, 0x2F, 0xFD);

    private final String displayName;
    private final byte[] magic;

    PayloadFormat(String displayName, int... magic) {
        this.displayName = displayName;
        this.magic = new byte[magic.length];
        for (int i = 0; i < magic.length; i++) {
            this.magic[i] = (byte) magic[i];
        }
    }

    public String displayName() {
        return displayName;
    }

    public int magicLength() {
        return magic.length;
    }

    /** The format whose magic {@code payload} starts with. */
    public static Optional<PayloadFormat> detect(byte[] payload) {
        for (PayloadFormat f : values()) {
            if (payload.length >= f.magic.length
                    && Arrays.equals(payload, 0, f.magic.length, f.magic, 0, f.magic.length)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
