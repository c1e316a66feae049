package dev.jkvm.devices.block;

import dev.jkvm.headers.NativeException;

import java.nio.file.Path;

/**
 * A block backend failure: the image, what was attempted and, when a system call failed, its errno. Example:
 * {@code disk.img: pwrite(fd 9, 4096 bytes, offset 0) failed: ENOSPC (No space left on device)}.
 */
public final class BlockDeviceException extends RuntimeException {

    /** {@link #errno()} of a failure that was no system call's. */
    public static final int NO_ERRNO = 0;

    private final int errno;

    public BlockDeviceException(String message) {
        super(message);
        this.errno = NO_ERRNO;
    }

    /** A failed call on {@code file}; the message is the file name followed by the call, errno name and text. */
    public BlockDeviceException(Path file, NativeException cause) {
        this(file.toString(), cause);
    }

    /** A failed call, after {@code context} (which starts with the file name). */
    public BlockDeviceException(String context, NativeException cause) {
        super(context + ": " + cause.getMessage(), cause);
        this.errno = cause.errno();
    }

    /** The errno of the failed call, or {@link #NO_ERRNO}. */
    public int errno() {
        return errno;
    }
}
