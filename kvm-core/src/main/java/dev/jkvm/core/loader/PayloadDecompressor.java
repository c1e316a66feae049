package dev.jkvm.core.loader;

import io.airlift.compress.zstd.ZstdDecompressor;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Decompresses a bzImage payload on the host, so the guest never runs the kernel's own decompressor (which on an
 * emulated ring 0 takes minutes). Linux's build appends the decompressed size as a 32-bit little-endian word to
 * every payload; the result must have exactly that size.
 */
public final class PayloadDecompressor {
    /** Largest decompressed kernel accepted: far above any vmlinux, it only guards against a corrupt trailer. */
    public static final int MAX_DECOMPRESSED = 1 << 30;
    /** Largest zstd window aircompressor's decoder accepts; kernels built with "zstd -22 --ultra" use more. */
    public static final long ZSTD_MAX_WINDOW = 8L << 20;
    /** Frame_Header_Descriptor bit: the frame is one segment, its window is its content size. */
    private static final int ZSTD_SINGLE_SEGMENT = 1 << 5;
    /** Smallest window exponent base of a zstd Window_Descriptor (windowLog = 10 + exponent). */
    private static final int ZSTD_WINDOW_LOG_MIN = 10;
    /** Offset of the Frame_Header_Descriptor, after the 4-byte magic. */
    private static final int ZSTD_DESCRIPTOR_AT = 4;

    /** What became of a payload. */
    public sealed interface Result {
        /** The payload decompressed on the host to {@code vmlinux}. */
        record Decompressed(PayloadFormat format, byte[] vmlinux) implements Result {}

        /** The host cannot decompress this payload; the kernel has to do it itself. */
        record LeftToKernel(String reason) implements Result {}
    }

    private PayloadDecompressor() {
    }

    public static Result decompress(String name, byte[] payload) {
        Optional<PayloadFormat> detected = PayloadFormat.detect(payload);
        if (detected.isEmpty()) {
            return new Result.LeftToKernel("the payload's compression format is unknown (magic "
                    + hex(payload, 4) + ")");
        }
        PayloadFormat format = detected.get();
        if (format == PayloadFormat.LZO) {
            return new Result.LeftToKernel("jkvm has no LZO decoder");
        }
        if (payload.length < format.magicLength() + BzImage.SIZE_TRAILER) {
            throw new KernelLoadException(name + ": truncated " + format.displayName() + " payload ("
                    + payload.length + " bytes)");
        }
        long expected = Integer.toUnsignedLong(ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN)
                .getInt(payload.length - BzImage.SIZE_TRAILER));
        if (expected == 0 || expected > MAX_DECOMPRESSED) {
            throw new KernelLoadException(name + ": the " + format.displayName() + " payload's size trailer says "
                    + expected + " bytes, not a plausible kernel size");
        }
        if (format == PayloadFormat.ZSTD) {
            long window = zstdWindowSize(name, payload);
            if (window > ZSTD_MAX_WINDOW) {
                return new Result.LeftToKernel("its zstd frame needs a " + (window >> 20)
                        + " MiB window and the host's zstd decoder handles at most " + (ZSTD_MAX_WINDOW >> 20) + " MiB");
            }
        }
        try {
            byte[] out = switch (format) {
                case LZ4_LEGACY -> Lz4LegacyFrame.decode(payload, (int) expected);
                case ZSTD -> zstd(payload, (int) expected);
                default -> readExactly(open(format, payload), (int) expected);
            };
            return new Result.Decompressed(format, out);
        } catch (IOException | RuntimeException e) {
            throw new KernelLoadException(name + ": cannot decompress the " + format.displayName() + " payload: "
                    + e.getMessage());
        }
    }

    private static InputStream open(PayloadFormat format, byte[] payload) throws IOException {
        // Single-stream readers throughout: the size trailer after the stream is not a second stream.
        InputStream in = new ByteArrayInputStream(payload);
        return switch (format) {
            case GZIP -> new GzipCompressorInputStream(in, false);
            case BZIP2 -> new BZip2CompressorInputStream(in, false);
            case XZ -> new XZCompressorInputStream(in, false);
            case LZMA -> new LZMACompressorInputStream(in);
            default -> throw new IllegalArgumentException(format + " is not a stream format");
        };
    }

    private static byte[] readExactly(InputStream stream, int expected) throws IOException {
        try (InputStream in = stream) {
            byte[] out = new byte[expected];
            int n = in.readNBytes(out, 0, expected);
            if (n != expected) {
                throw new IOException("decompressed to " + n + " bytes; the size trailer says " + expected);
            }
            if (in.read() >= 0) {
                throw new IOException("decompresses to more than the " + expected + " bytes the size trailer says");
            }
            return out;
        }
    }

    private static byte[] zstd(byte[] payload, int expected) throws IOException {
        byte[] out = new byte[expected];
        int n = new ZstdDecompressor().decompress(payload, 0, payload.length - BzImage.SIZE_TRAILER, out, 0,
                out.length);
        if (n != expected) {
            throw new IOException("decompressed to " + n + " bytes; the size trailer says " + expected);
        }
        return out;
    }

    /** The window a zstd frame needs (RFC 8878, 3.1.1.1.2): its content size if single-segment, else the descriptor. */
    static long zstdWindowSize(String name, byte[] frame) {
        if (frame.length <= ZSTD_DESCRIPTOR_AT + 1) {
            throw new KernelLoadException(name + ": truncated zstd frame header");
        }
        int descriptor = Byte.toUnsignedInt(frame[ZSTD_DESCRIPTOR_AT]);
        if ((descriptor & ZSTD_SINGLE_SEGMENT) == 0) {
            int windowDescriptor = Byte.toUnsignedInt(frame[ZSTD_DESCRIPTOR_AT + 1]);
            long base = 1L << (ZSTD_WINDOW_LOG_MIN + (windowDescriptor >>> 3));
            return base + (base / 8) * (windowDescriptor & 7);
        }
        int dictionaryIdSize = new int[] {0, 1, 2, 4}[descriptor & 3];
        int contentSizeFlag = descriptor >>> 6;
        int contentSizeSize = new int[] {1, 2, 4, 8}[contentSizeFlag];
        int at = ZSTD_DESCRIPTOR_AT + 1 + dictionaryIdSize;
        if (frame.length < at + contentSizeSize) {
            throw new KernelLoadException(name + ": truncated zstd frame header");
        }
        ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        return switch (contentSizeSize) {
            case 1 -> Byte.toUnsignedLong(frame[at]);
            case 2 -> Short.toUnsignedLong(b.getShort(at)) + 256;
            case 4 -> Integer.toUnsignedLong(b.getInt(at));
            default -> b.getLong(at);
        };
    }

    private static String hex(byte[] data, int count) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(count, data.length); i++) {
            s.append(i == 0 ? "" : " ").append(String.format("%02x", data[i]));
        }
        return s.toString();
    }
}
