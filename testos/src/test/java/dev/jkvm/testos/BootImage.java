package dev.jkvm.testos;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.Supplier;

/** The two test OS images, for tests that run the same checks against both. */
enum BootImage {
    /** testos.elf, entered through its Xen PVH note. */
    PVH(TestOsImage::bytes, TestOsImage::writeTo),
    /** testos-multiboot.elf, entered through its Multiboot v1 header. */
    MULTIBOOT(TestOsImage::multibootBytes, TestOsImage::writeMultibootTo);

    private final Supplier<byte[]> bytes;
    private final Function<Path, Path> writer;

    BootImage(Supplier<byte[]> bytes, Function<Path, Path> writer) {
        this.bytes = bytes;
        this.writer = writer;
    }

    byte[] bytes() {
        return bytes.get();
    }

    /** The image as a little-endian buffer, the way ELF64 x86-64 fields are read. */
    ByteBuffer elf() {
        return ByteBuffer.wrap(bytes()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes the image into {@code dir} and returns the file, for QEMU's -kernel. */
    Path writeTo(Path dir) {
        return writer.apply(dir);
    }
}
