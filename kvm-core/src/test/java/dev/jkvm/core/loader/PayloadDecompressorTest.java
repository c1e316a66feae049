package dev.jkvm.core.loader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PayloadDecompressorTest {
    /** Something kernel-like: an ELF, text that compresses well, and bytes that do not. */
    static byte[] sampleKernel() {
        byte[] elf = TestImages.probeVmlinux();
        byte[] data = Arrays.copyOf(elf, elf.length + 24_000);
        byte[] text = "Linux version 6.1.0 (jkvm loader test) #1 SMP PREEMPT_DYNAMIC\n".repeat(200).getBytes();
        System.arraycopy(text, 0, data, elf.length, text.length);
        byte[] noise = new byte[24_000 - text.length];
        new Random(42).nextBytes(noise);
        System.arraycopy(noise, 0, data, elf.length + text.length, noise.length);
        return data;
    }

    @ParameterizedTest
    @EnumSource(value = PayloadFormat.class, names = {"GZIP", "BZIP2", "XZ", "LZMA", "LZ4_LEGACY", "ZSTD"})
    void everyCodecDecompressesWhatItsLibraryCompressed(PayloadFormat format) {
        byte[] kernel = sampleKernel();
        byte[] payload = TestImages.compress(format, kernel);
        assertEquals(format, PayloadFormat.detect(payload).orElseThrow(), "detected by magic");
        var result = assertInstanceOf(PayloadDecompressor.Result.Decompressed.class,
                PayloadDecompressor.decompress("k", payload));
        assertEquals(format, result.format());
        assertArrayEquals(kernel, result.vmlinux());
    }

    @Test
    void lz4LegacyFrameSpansManyBlocksAndMayRestartWithTheMagic() {
        byte[] kernel = sampleKernel();
        byte[] one = TestImages.compress(PayloadFormat.LZ4_LEGACY, kernel);
        assertTrue(kernel.length / TestImages.LZ4_TEST_BLOCK > 20, "test data spans many blocks");
        // A second frame magic between blocks, as concatenated lz4 -l output has, is skipped.
        byte[] magic = TestImages.le32(Lz4LegacyFrame.MAGIC);
        int firstBlockEnd = 4 + 4 + java.nio.ByteBuffer.wrap(one, 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        byte[] restarted = new byte[one.length + 4];
        System.arraycopy(one, 0, restarted, 0, firstBlockEnd);
        System.arraycopy(magic, 0, restarted, firstBlockEnd, 4);
        System.arraycopy(one, firstBlockEnd, restarted, firstBlockEnd + 4, one.length - firstBlockEnd);
        var result = assertInstanceOf(PayloadDecompressor.Result.Decompressed.class,
                PayloadDecompressor.decompress("k", restarted));
        assertArrayEquals(kernel, result.vmlinux());
    }

    @Test
    void unknownFormatsAndLzoAreLeftToTheKernelsOwnDecompressor() {
        var unknown = assertInstanceOf(PayloadDecompressor.Result.LeftToKernel.class,
                PayloadDecompressor.decompress("k", "not compressed at all".getBytes()));
        assertTrue(unknown.reason().contains("unknown (magic 6e 6f 74 20)"), unknown.reason());
        byte[] lzo = TestImages.bytes(0x89, 'L', 'Z', 'O', 0, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0);
        var left = assertInstanceOf(PayloadDecompressor.Result.LeftToKernel.class,
                PayloadDecompressor.decompress("k", lzo));
        assertTrue(left.reason().contains("LZO"), left.reason());
    }

    @Test
    void zstdFramesWithWindowsBeyondTheDecodersLimitAreLeftToTheKernel() {
        // What "zstd -22 --ultra" writes when it reads the kernel from a pipe, as Linux's build does: window log 27.
        byte[] frame = TestImages.bytes(0x28, 0xB5, 0x2F, 0xFD, 0x04, (27 - 10) << 3, 0, 0, 0, 0, 0, 0x10, 0, 0);
        assertEquals(128L << 20, PayloadDecompressor.zstdWindowSize("k", frame));
        var left = assertInstanceOf(PayloadDecompressor.Result.LeftToKernel.class,
                PayloadDecompressor.decompress("k", frame));
        assertTrue(left.reason().contains("128 MiB window"), left.reason());
        // Single-segment frames need their whole content as window: 4-byte Frame_Content_Size here.
        byte[] single = TestImages.bytes(0x28, 0xB5, 0x2F, 0xFD, 0xA0, 0x00, 0x00, 0x40, 0x03);
        assertEquals(0x3400000L, PayloadDecompressor.zstdWindowSize("k", single));
        // Window descriptor with a mantissa: base 1 MiB + 3/8 of it.
        byte[] mantissa = TestImages.bytes(0x28, 0xB5, 0x2F, 0xFD, 0x00, (10 << 3) | 3);
        assertEquals((1L << 20) + 3 * (1L << 17), PayloadDecompressor.zstdWindowSize("k", mantissa));
    }

    @Test
    void corruptPayloadsAreErrorsNamingTheFileAndCodec() {
        byte[] kernel = sampleKernel();
        for (PayloadFormat format : new PayloadFormat[] {PayloadFormat.GZIP, PayloadFormat.XZ, PayloadFormat.ZSTD,
                PayloadFormat.LZ4_LEGACY}) {
            byte[] payload = TestImages.compress(format, kernel);
            for (int i = 16; i < payload.length - 8; i += 7) {
                payload[i] ^= 0x5A;
            }
            KernelLoadException e = assertThrows(KernelLoadException.class,
                    () -> PayloadDecompressor.decompress("vmlinuz-x", payload), format.toString());
            assertTrue(e.getMessage().startsWith("vmlinuz-x: cannot decompress the " + format.displayName()
                    + " payload: "), e.getMessage());
        }
    }

    @Test
    void theSizeTrailerMustMatchAndBePlausible() {
        byte[] kernel = sampleKernel();
        byte[] payload = TestImages.compress(PayloadFormat.GZIP, kernel);
        byte[] bigger = payload.clone();
        System.arraycopy(TestImages.le32(kernel.length + 1), 0, bigger, bigger.length - 4, 4);
        KernelLoadException e = assertThrows(KernelLoadException.class,
                () -> PayloadDecompressor.decompress("k", bigger));
        assertTrue(e.getMessage().contains("the size trailer says " + (kernel.length + 1)), e.getMessage());

        byte[] smaller = payload.clone();
        System.arraycopy(TestImages.le32(kernel.length - 1), 0, smaller, smaller.length - 4, 4);
        e = assertThrows(KernelLoadException.class, () -> PayloadDecompressor.decompress("k", smaller));
        assertTrue(e.getMessage().contains("more than the " + (kernel.length - 1)), e.getMessage());

        byte[] zero = payload.clone();
        System.arraycopy(TestImages.le32(0), 0, zero, zero.length - 4, 4);
        e = assertThrows(KernelLoadException.class, () -> PayloadDecompressor.decompress("k", zero));
        assertTrue(e.getMessage().contains("not a plausible kernel size"), e.getMessage());

        e = assertThrows(KernelLoadException.class,
                () -> PayloadDecompressor.decompress("k", TestImages.bytes(0x1F, 0x8B, 8)));
        assertTrue(e.getMessage().contains("truncated gzip payload"), e.getMessage());
    }
}
