package dev.jkvm.headers;

/**
 * An ioctl request: its name (for error messages) and its number, encoded as {@code <asm-generic/ioctl.h>}
 * does on x86-64: direction in bits 30-31, argument size in bits 16-29, type in bits 8-15, number in bits 0-7.
 *
 * @param name the request's name in the kernel headers, e.g. {@code "KVM_RUN"}
 * @param request the request number passed to {@code ioctl(2)}, as an unsigned 32-bit value
 */
public record Ioctl(String name, long request) {

    /** Direction bits: no data transferred. */
    public static final int _IOC_NONE = 0;
    /** Direction bit: user space writes, the kernel reads the argument. */
    public static final int _IOC_WRITE = 1;
    /** Direction bit: the kernel writes the argument for user space to read. */
    public static final int _IOC_READ = 2;

    /** Width of the number field ({@code _IOC_NRBITS}). */
    private static final int NR_BITS = 8;
    /** Width of the type field ({@code _IOC_TYPEBITS}). */
    private static final int TYPE_BITS = 8;
    /** Width of the size field ({@code _IOC_SIZEBITS}). */
    private static final int SIZE_BITS = 14;
    /** Width of the direction field ({@code _IOC_DIRBITS}). */
    private static final int DIR_BITS = 2;
    /** Position of the type field ({@code _IOC_TYPESHIFT}). */
    private static final int TYPE_SHIFT = NR_BITS;
    /** Position of the size field ({@code _IOC_SIZESHIFT}). */
    private static final int SIZE_SHIFT = TYPE_SHIFT + TYPE_BITS;
    /** Position of the direction field ({@code _IOC_DIRSHIFT}). */
    private static final int DIR_SHIFT = SIZE_SHIFT + SIZE_BITS;

    public Ioctl {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("an ioctl needs a name, request 0x" + Long.toHexString(request));
        }
        if (request < 0 || request > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(name + ": request 0x" + Long.toHexString(request)
                    + " does not fit in 32 bits");
        }
    }

    /** {@code _IO(type, nr)}: a request without an argument struct. */
    public static Ioctl io(String name, int type, int nr) {
        return new Ioctl(name, encode(name, _IOC_NONE, type, nr, 0));
    }

    /** {@code _IOR(type, nr, T)} with {@code size = sizeof(T)}: the kernel fills the argument. */
    public static Ioctl ior(String name, int type, int nr, long size) {
        return new Ioctl(name, encode(name, _IOC_READ, type, nr, size));
    }

    /** {@code _IOW(type, nr, T)} with {@code size = sizeof(T)}: the kernel reads the argument. */
    public static Ioctl iow(String name, int type, int nr, long size) {
        return new Ioctl(name, encode(name, _IOC_WRITE, type, nr, size));
    }

    /** {@code _IOWR(type, nr, T)} with {@code size = sizeof(T)}: the argument goes both ways. */
    public static Ioctl iowr(String name, int type, int nr, long size) {
        return new Ioctl(name, encode(name, _IOC_READ | _IOC_WRITE, type, nr, size));
    }

    /** The direction bits ({@code _IOC_DIR}). */
    public int direction() {
        return (int) (request >>> DIR_SHIFT) & ((1 << DIR_BITS) - 1);
    }

    /** The argument size ({@code _IOC_SIZE}). */
    public int size() {
        return (int) (request >>> SIZE_SHIFT) & ((1 << SIZE_BITS) - 1);
    }

    /** The type byte ({@code _IOC_TYPE}), e.g. {@code 0xAE} for KVM. */
    public int type() {
        return (int) (request >>> TYPE_SHIFT) & ((1 << TYPE_BITS) - 1);
    }

    /** The number within the type ({@code _IOC_NR}). */
    public int number() {
        return (int) request & ((1 << NR_BITS) - 1);
    }

    @Override
    public String toString() {
        return name + " (0x" + Long.toHexString(request) + ")";
    }

    private static long encode(String name, int direction, int type, int nr, long size) {
        check(name, "type", type, TYPE_BITS);
        check(name, "number", nr, NR_BITS);
        check(name, "size", size, SIZE_BITS);
        return ((long) direction << DIR_SHIFT) | (size << SIZE_SHIFT) | ((long) type << TYPE_SHIFT) | nr;
    }

    private static void check(String name, String field, long value, int bits) {
        if (value < 0 || value >= (1L << bits)) {
            throw new IllegalArgumentException(name + ": " + field + " " + value + " does not fit in "
                    + bits + " bits");
        }
    }
}
