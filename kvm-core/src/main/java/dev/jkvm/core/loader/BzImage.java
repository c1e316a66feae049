package dev.jkvm.core.loader;

import dev.jkvm.core.x86.SetupHeader;

import java.util.Arrays;

/**
 * A Linux bzImage (Documentation/arch/x86/boot.rst): boot sector and real-mode setup code, then the protected-mode
 * kernel, whose payload (payload_offset/payload_length) is the compressed vmlinux. jkvm enters only 64-bit
 * kernels, so it needs boot protocol 2.12 or newer with XLF_KERNEL_64.
 */
public record BzImage(String name, byte[] file, SetupHeader header) implements KernelImage {
    /** The last 4 bytes of every payload Linux's build appends: the decompressed size, little-endian. */
    public static final int SIZE_TRAILER = 4;

    public static boolean looksLike(byte[] file) {
        return SetupHeader.isPresent(file);
    }

    public static BzImage parse(String name, byte[] file) {
        SetupHeader header = SetupHeader.parse(name, file);
        if (header.version() < SetupHeader.PROTOCOL_2_12) {
            throw new KernelLoadException(name + ": Linux boot protocol " + header.versionString()
                    + " is too old: jkvm needs 2.12 or newer for the 64-bit entry point");
        }
        if (!header.has64BitEntry()) {
            throw new KernelLoadException(String.format("%s: a 32-bit-only kernel (xloadflags 0x%x lacks "
                    + "XLF_KERNEL_64): jkvm boots 64-bit kernels", name, header.xloadflags()));
        }
        if (header.setupSize() > file.length) {
            throw new KernelLoadException(String.format("%s: truncated bzImage: setup_sects=%d puts the protected-mode "
                    + "kernel at 0x%x, but the file has only %d bytes", name, header.setupSects(), header.setupSize(),
                    file.length));
        }
        long protectedModeSize = file.length - header.setupSize();
        if (header.payloadOffset() + header.payloadLength() > protectedModeSize) {
            throw new KernelLoadException(String.format("%s: truncated bzImage: the payload at 0x%x+0x%x lies beyond "
                    + "the end of the protected-mode kernel (%d bytes)", name, header.payloadOffset(),
                    header.payloadLength(), protectedModeSize));
        }
        return new BzImage(name, file, header);
    }

    /** The protected-mode kernel: everything after the setup sectors. */
    public byte[] protectedModeKernel() {
        return Arrays.copyOfRange(file, header.setupSize(), file.length);
    }

    /** The compressed payload, size trailer included. */
    public byte[] payload() {
        int start = (int) (header.setupSize() + header.payloadOffset());
        return Arrays.copyOfRange(file, start, start + (int) header.payloadLength());
    }

    /** The setup header bytes a boot loader copies into the zero page. */
    public byte[] setupHeaderBytes() {
        return Arrays.copyOfRange(file, SetupHeader.OFFSET, SetupHeader.OFFSET + header.length());
    }
}
