package dev.jkvm.devices.block;

import dev.jkvm.headers.Flock;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.NativeException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * QEMU's image locking (block/file-posix.c), so that jkvm and QEMU keep each other off an image both ways.
 *
 * <p>Every holder takes shared open-file-description locks on single bytes of the image: byte
 * {@value #PERM_BASE} + bit for each {@link BlockPermission} it holds and byte {@value #SHARED_BASE} + bit for each
 * it refuses to share. Shared locks never block each other, so taking them always succeeds; a conflict is found
 * afterwards by asking (F_OFD_GETLK with a write lock, which only other descriptions' locks can block) whether
 * anyone else refuses a permission this holder takes, or holds one this holder refuses. Checking after locking
 * closes the race between two openers: whichever checks second sees the first's bytes.
 */
public final class ImageLock implements AutoCloseable {

    /** QEMU's RAW_LOCK_PERM_BASE: first byte of the "holds permission" range. */
    public static final int PERM_BASE = 100;
    /** QEMU's RAW_LOCK_SHARED_BASE: first byte of the "does not share permission" range. */
    public static final int SHARED_BASE = 200;
    /** Every lock covers one byte. */
    private static final long LOCK_LENGTH = 1;

    private final int fd;
    private final Path file;
    private final List<Integer> lockedBytes;

    private ImageLock(int fd, Path file, List<Integer> lockedBytes) {
        this.fd = fd;
        this.file = file;
        this.lockedBytes = List.copyOf(lockedBytes);
    }

    /**
     * The locks QEMU 7.2's virtio-blk takes on a {@code -drive}: consistent read, plus write unless read-only;
     * everything is shared except write (a second writer, or a reader that needs a stable image, is refused).
     */
    public static ImageLock forDrive(int fd, Path file, boolean readOnly) {
        Set<BlockPermission> held = readOnly
                ? EnumSet.of(BlockPermission.CONSISTENT_READ)
                : EnumSet.of(BlockPermission.CONSISTENT_READ, BlockPermission.WRITE);
        return acquire(fd, file, held, EnumSet.complementOf(EnumSet.of(BlockPermission.WRITE)));
    }

    /**
     * Locks {@code fd}'s image for {@code held}, sharing {@code shared}; on a conflict releases what it took and
     * throws a {@link BlockDeviceException} worded as QEMU's, e.g.
     * {@code disk.img: Failed to get "write" lock: Is another process using the image [disk.img]?}.
     */
    public static ImageLock acquire(int fd, Path file, Set<BlockPermission> held, Set<BlockPermission> shared) {
        List<Integer> taken = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment flock = arena.allocate(Flock.LAYOUT);
            for (BlockPermission permission : held) {
                lockByte(fd, file, flock, PERM_BASE + permission.bit());
                taken.add(PERM_BASE + permission.bit());
            }
            for (BlockPermission permission : BlockPermission.values()) {
                if (!shared.contains(permission)) {
                    lockByte(fd, file, flock, SHARED_BASE + permission.bit());
                    taken.add(SHARED_BASE + permission.bit());
                }
            }
            String conflict = conflict(fd, file, flock, held, shared);
            if (conflict != null) {
                throw new BlockDeviceException(file + ": " + conflict + ": Is another process using the image ["
                        + file + "]?");
            }
            return new ImageLock(fd, file, taken);
        } catch (RuntimeException e) {
            try {
                new ImageLock(fd, file, taken).close();
            } catch (RuntimeException unlock) {
                e.addSuppressed(unlock);
            }
            throw e;
        }
    }

    /** The bytes this lock holds, in the order taken. */
    public List<Integer> lockedBytes() {
        return lockedBytes;
    }

    /** Releases the bytes (closing the descriptor would release them too). */
    @Override
    public void close() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment flock = arena.allocate(Flock.LAYOUT);
            for (int offset : lockedBytes) {
                setFlock(flock, Libc.F_UNLCK, offset);
                try {
                    Libc.fcntl(fd, Libc.F_OFD_SETLK, flock);
                } catch (NativeException e) {
                    throw new BlockDeviceException(file, e);
                }
            }
        }
    }

    /** QEMU's raw_check_lock_bytes: the first conflict in its order, or null. */
    private static String conflict(int fd, Path file, MemorySegment flock, Set<BlockPermission> held,
            Set<BlockPermission> shared) {
        for (BlockPermission permission : held) {
            if (lockedElsewhere(fd, file, flock, SHARED_BASE + permission.bit())) {
                return "Failed to get \"" + permission.qemuName() + "\" lock";
            }
        }
        for (BlockPermission permission : BlockPermission.values()) {
            if (!shared.contains(permission) && lockedElsewhere(fd, file, flock, PERM_BASE + permission.bit())) {
                return "Failed to get shared \"" + permission.qemuName() + "\" lock";
            }
        }
        return null;
    }

    private static void lockByte(int fd, Path file, MemorySegment flock, int offset) {
        setFlock(flock, Libc.F_RDLCK, offset);
        try {
            Libc.fcntl(fd, Libc.F_OFD_SETLK, flock);
        } catch (NativeException e) {
            throw new BlockDeviceException(file + ": Failed to lock byte " + offset + ": " + e.getMessage());
        }
    }

    private static boolean lockedElsewhere(int fd, Path file, MemorySegment flock, int offset) {
        setFlock(flock, Libc.F_WRLCK, offset);
        try {
            Libc.fcntl(fd, Libc.F_OFD_GETLK, flock);
        } catch (NativeException e) {
            throw new BlockDeviceException(file + ": Failed to test lock byte " + offset + ": " + e.getMessage());
        }
        return (short) Flock.L_TYPE.get(flock, 0L) != Libc.F_UNLCK;
    }

    private static void setFlock(MemorySegment flock, int type, int offset) {
        flock.fill((byte) 0);
        Flock.L_TYPE.set(flock, 0L, (short) type);
        Flock.L_WHENCE.set(flock, 0L, (short) Libc.SEEK_SET);
        Flock.L_START.set(flock, 0L, (long) offset);
        Flock.L_LEN.set(flock, 0L, LOCK_LENGTH);
    }
}
