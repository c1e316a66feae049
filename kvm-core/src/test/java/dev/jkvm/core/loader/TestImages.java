package dev.jkvm.core.loader;

import dev.jkvm.core.x86.SetupHeader;
import io.airlift.compress.zstd.ZstdCompressor;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorOutputStream;
import org.tukaani.xz.FilterOptions;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.X86Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Synthetic kernels for the loader tests: ELF32/ELF64 executables, bzImages with a payload compressed by the same
 * libraries (framed as Linux's build frames them: the stream, then the decompressed size as a 32-bit LE word),
 * and Multiboot images.
 */
final class TestImages {
    /** Port the probe programs write their findings to. */
    static final int PROBE_PORT = 0xE9;
    /** An address in the last 2 MiB page of the 4 GiB identity map, where no RAM is: reading it exits as MMIO. */
    static final long PROBE_MMIO_ADDRESS = 0xFFFF_F000L;

    private TestImages() {
    }

    /** One PT_LOAD: {@code data} at {@code paddr} (and {@code vaddr}), {@code memsz} bytes in memory. */
    record Segment(long paddr, long vaddr, byte[] data, long memsz) {
        static Segment at(long paddr, byte[] data) {
            return new Segment(paddr, paddr, data, data.length);
        }
    }

    /**
     * 64-bit probe: writes RSI, the zero page's cmd_line_ptr, ramdisk_image, ramdisk_size, RSP and CS to the probe
     * port, reads {@link #PROBE_MMIO_ADDRESS} through the identity map, then halts.
     */
    static byte[] probe64() {
        return bytes(
                0x48, 0x89, 0xF0, 0xE7, PROBE_PORT,                         // mov rax, rsi; out
                0x8B, 0x86, 0x28, 0x02, 0x00, 0x00, 0xE7, PROBE_PORT,       // mov eax, [rsi+0x228]; out
                0x8B, 0x86, 0x18, 0x02, 0x00, 0x00, 0xE7, PROBE_PORT,       // mov eax, [rsi+0x218]; out
                0x8B, 0x86, 0x1C, 0x02, 0x00, 0x00, 0xE7, PROBE_PORT,       // mov eax, [rsi+0x21c]; out
                0x48, 0x89, 0xE0, 0xE7, PROBE_PORT,                         // mov rax, rsp; out
                0x8C, 0xC8, 0xE7, PROBE_PORT,                               // mov eax, cs; out
                0xA1, 0x00, 0xF0, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00,       // mov eax, [0xfffff000]
                0xF4);                                                      // hlt
    }

    /** 32-bit probe: writes EAX, EBX, the info's cmdline field, CS and CR0 to the probe port, then halts. */
    static byte[] probe32() {
        return bytes(
                0xE7, PROBE_PORT,                                           // out (eax)
                0x89, 0xD8, 0xE7, PROBE_PORT,                               // mov eax, ebx; out
                0x8B, 0x43, 0x10, 0xE7, PROBE_PORT,                         // mov eax, [ebx+16]; out
                0x8C, 0xC8, 0xE7, PROBE_PORT,                               // mov eax, cs; out
                0x0F, 0x20, 0xC0, 0xE7, PROBE_PORT,                         // mov eax, cr0; out
                0xF4);                                                      // hlt
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /** An ELF executable with the given segments; class 1 = ELF32 (EM_386), 2 = ELF64 (EM_X86_64). */
    static byte[] elf(int elfClass, long entry, List<Segment> segments, Long pvhEntry) {
        boolean is64 = elfClass == 2;
        int ehsize = is64 ? 64 : 52;
        int phentsize = is64 ? 56 : 32;
        int phnum = segments.size() + (pvhEntry == null ? 0 : 1);
        int noteSize = 12 + 4 + 8;
        long dataAt = align(ehsize + (long) phentsize * phnum, 16);
        long noteAt = dataAt;
        long at = noteAt + (pvhEntry == null ? 0 : noteSize);
        List<Long> offsets = new ArrayList<>();
        for (Segment s : segments) {
            at = align(at, 16);
            offsets.add(at);
            at += s.data().length;
        }
        ByteBuffer b = ByteBuffer.allocate((int) at).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', (byte) elfClass, 1, 1, 0});
        b.putShort(16, (short) 2).putShort(18, (short) (is64 ? 62 : 3)).putInt(20, 1);
        if (is64) {
            b.putLong(24, entry).putLong(32, ehsize).putLong(40, 0);
            b.putShort(52, (short) ehsize).putShort(54, (short) phentsize).putShort(56, (short) phnum);
        } else {
            b.putInt(24, (int) entry).putInt(28, ehsize).putInt(32, 0);
            b.putShort(40, (short) ehsize).putShort(42, (short) phentsize).putShort(44, (short) phnum);
        }
        int ph = ehsize;
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            phdr(b, is64, ph, 1, offsets.get(i), s.vaddr(), s.paddr(), s.data().length, s.memsz());
            b.put(offsets.get(i).intValue(), s.data());
            ph += phentsize;
        }
        if (pvhEntry != null) {
            phdr(b, is64, ph, 4, noteAt, 0, 0, noteSize, noteSize);
            b.putInt((int) noteAt, 4).putInt((int) noteAt + 4, 8).putInt((int) noteAt + 8,
                    ElfImage.XEN_ELFNOTE_PHYS32_ENTRY);
            b.put((int) noteAt + 12, new byte[] {'X', 'e', 'n', 0});
            b.putLong((int) noteAt + 16, pvhEntry);
        }
        return b.array();
    }

    private static void phdr(ByteBuffer b, boolean is64, int at, int type, long offset, long vaddr, long paddr,
                             long filesz, long memsz) {
        if (is64) {
            b.putInt(at, type).putInt(at + 4, 7).putLong(at + 8, offset).putLong(at + 16, vaddr)
                    .putLong(at + 24, paddr).putLong(at + 32, filesz).putLong(at + 40, memsz).putLong(at + 48, 16);
        } else {
            b.putInt(at, type).putInt(at + 4, (int) offset).putInt(at + 8, (int) vaddr).putInt(at + 12, (int) paddr)
                    .putInt(at + 16, (int) filesz).putInt(at + 20, (int) memsz).putInt(at + 24, 7)
                    .putInt(at + 28, 16);
        }
    }

    /** The vmlinux the bzImage tests compress: the probe at 16 MiB, entered there, with 64 KiB of bss. */
    static byte[] probeVmlinux() {
        return elf(2, VMLINUX_LOAD, List.of(new Segment(VMLINUX_LOAD, 0xFFFF_FFFF_8100_0000L, probe64(),
                probe64().length + 0x10000L)), null);
    }

    /** Where Linux (CONFIG_PHYSICAL_START) loads a vmlinux: 16 MiB. */
    static final long VMLINUX_LOAD = 0x100_0000;

    /** The fields of a bzImage setup header the tests vary. */
    record BzFields(int version, int xloadflags, int setupSects, long initrdAddrMax, long cmdlineSize,
                    long prefAddress, long initSize) {
        static BzFields modern() {
            return new BzFields(0x020F, SetupHeader.XLF_KERNEL_64 | 2, 4, 0x7FFF_FFFFL, 2047, VMLINUX_LOAD,
                    0x40_0000);
        }

        BzFields withVersion(int v) {
            return new BzFields(v, xloadflags, setupSects, initrdAddrMax, cmdlineSize, prefAddress, initSize);
        }

        BzFields withXloadflags(int x) {
            return new BzFields(version, x, setupSects, initrdAddrMax, cmdlineSize, prefAddress, initSize);
        }

        BzFields withCmdlineSize(long c) {
            return new BzFields(version, xloadflags, setupSects, initrdAddrMax, c, prefAddress, initSize);
        }

        BzFields withInitrdAddrMax(long m) {
            return new BzFields(version, xloadflags, setupSects, m, cmdlineSize, prefAddress, initSize);
        }

        BzFields withSetupSects(int s) {
            return new BzFields(version, xloadflags, s, initrdAddrMax, cmdlineSize, prefAddress, initSize);
        }
    }

    /**
     * A bzImage: boot sector and setup sectors with the header, then a protected-mode kernel that has
     * {@code startup64} at offset 0x200 (the 64-bit entry) and {@code payload} at payload_offset.
     */
    static byte[] bzImage(BzFields f, byte[] startup64, byte[] payload) {
        int setupSize = (f.setupSects() + 1) * 512;
        int payloadOffset = 0x400;
        byte[] pm = new byte[payloadOffset + payload.length];
        System.arraycopy(startup64, 0, pm, 0x200, startup64.length);
        System.arraycopy(payload, 0, pm, payloadOffset, payload.length);
        ByteBuffer b = ByteBuffer.allocate(setupSize + pm.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) f.setupSects());
        b.putShort(0x1FE, (short) 0xAA55);
        b.put(0x200, (byte) 0xEB).put(0x201, (byte) (0x26C - 0x202));
        b.putInt(0x202, SetupHeader.HEADER_MAGIC);
        b.putShort(0x206, (short) f.version());
        b.put(0x211, (byte) SetupHeader.LOADED_HIGH);
        b.putInt(0x214, 0x100000);
        b.putInt(0x22C, (int) f.initrdAddrMax());
        b.putInt(0x230, 0x20_0000);
        b.put(0x234, (byte) 1);
        b.put(0x235, (byte) 21);
        b.putShort(0x236, (short) f.xloadflags());
        b.putInt(0x238, (int) f.cmdlineSize());
        b.putInt(0x248, payloadOffset);
        b.putInt(0x24C, payload.length);
        b.putLong(0x258, f.prefAddress());
        b.putInt(0x260, (int) f.initSize());
        b.put(setupSize, pm);
        return b.array();
    }

    /** {@code data} compressed as Linux's build does for {@code format}: the stream, then its size (u32 LE). */
    static byte[] compress(PayloadFormat format, byte[] data) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            switch (format) {
                case GZIP -> write(new GzipCompressorOutputStream(out), data);
                case BZIP2 -> write(new BZip2CompressorOutputStream(out), data);
                case XZ -> write(new XZOutputStream(out, new FilterOptions[] {new X86Options(), new LZMA2Options()},
                        XZ.CHECK_CRC32), data);
                case LZMA -> write(new LZMACompressorOutputStream(out), data);
                case LZ4_LEGACY -> lz4Legacy(out, data);
                case ZSTD -> {
                    ZstdCompressor zstd = new ZstdCompressor();
                    byte[] buffer = new byte[zstd.maxCompressedLength(data.length)];
                    out.write(buffer, 0, zstd.compress(data, 0, data.length, buffer, 0, buffer.length));
                }
                case LZO -> throw new IllegalArgumentException("no LZO compressor in the tests");
            }
            out.write(le32(data.length));
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Block size of {@code lz4 -l}'s legacy frame; the tests use smaller blocks to get several. */
    static final int LZ4_TEST_BLOCK = 1000;

    private static void lz4Legacy(ByteArrayOutputStream out, byte[] data) throws IOException {
        out.write(le32(Lz4LegacyFrame.MAGIC));
        for (int at = 0; at < data.length; at += LZ4_TEST_BLOCK) {
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            write(new BlockLZ4CompressorOutputStream(block),
                    Arrays.copyOfRange(data, at, Math.min(data.length, at + LZ4_TEST_BLOCK)));
            out.write(le32(block.size()));
            block.writeTo(out);
        }
    }

    private static void write(OutputStream stream, byte[] data) throws IOException {
        try (OutputStream s = stream) {
            s.write(data);
        }
    }

    static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** A Multiboot header: magic, flags, checksum, and with the a.out kludge the five address fields. */
    static byte[] multibootHeader(int flags, long headerAddr, long loadAddr, long loadEndAddr, long bssEndAddr,
                                  long entryAddr) {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MultibootHeader.MAGIC).putInt(flags).putInt(-(MultibootHeader.MAGIC + flags));
        b.putInt((int) headerAddr).putInt((int) loadAddr).putInt((int) loadEndAddr).putInt((int) bssEndAddr)
                .putInt((int) entryAddr);
        return b.array();
    }

    private static long align(long v, long a) {
        return (v + a - 1) / a * a;
    }
}
