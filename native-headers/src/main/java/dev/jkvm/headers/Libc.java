package dev.jkvm.headers;

import dev.jkvm.headers.net.Iovec;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The glibc calls jkvm needs, as downcalls through the FFM linker.
 *
 * <p>Every call that can fail captures {@code errno} with {@code Linker.Option.captureCallState} (reading
 * {@code errno} after the call returned would see whatever the JVM did in between) and throws
 * {@link NativeException} naming the call and its arguments. The one exception is {@link #ioctlNoThrow},
 * the {@code KVM_RUN} path, which returns {@code -errno} instead and allocates nothing.
 *
 * <p>All values are those of Linux x86-64 with glibc; the layout probe test compares each with the C headers.
 */
public final class Libc {

    // <fcntl.h> open flags
    /** Open for reading only. */
    public static final int O_RDONLY = 0;
    /** Open for writing only. */
    public static final int O_WRONLY = 0x1;
    /** Open for reading and writing. */
    public static final int O_RDWR = 0x2;
    /** Create the file if it does not exist (needs a mode). */
    public static final int O_CREAT = 0x40;
    /** With O_CREAT: fail with EEXIST if the file exists. */
    public static final int O_EXCL = 0x80;
    /** Truncate a regular file to length 0. */
    public static final int O_TRUNC = 0x200;
    /** Non-blocking I/O. */
    public static final int O_NONBLOCK = 0x800;
    /** Writes complete once the data (not all metadata) is on stable storage. */
    public static final int O_DSYNC = 0x1000;
    /** Bypass the page cache (aligned buffers, offsets and lengths required). */
    public static final int O_DIRECT = 0x4000;
    /** Close the descriptor on exec. */
    public static final int O_CLOEXEC = 0x80000;

    // <sys/mman.h>
    /** Pages may not be accessed. */
    public static final int PROT_NONE = 0;
    /** Pages may be read. */
    public static final int PROT_READ = 0x1;
    /** Pages may be written. */
    public static final int PROT_WRITE = 0x2;
    /** Pages may be executed. */
    public static final int PROT_EXEC = 0x4;
    /** Share the mapping with other mappers of the object. */
    public static final int MAP_SHARED = 0x1;
    /** Private copy-on-write mapping. */
    public static final int MAP_PRIVATE = 0x2;
    /** Place the mapping exactly at the address given. */
    public static final int MAP_FIXED = 0x10;
    /** Not backed by a file; zero-filled. */
    public static final int MAP_ANONYMOUS = 0x20;
    /** Do not reserve swap space for the mapping. */
    public static final int MAP_NORESERVE = 0x4000;
    /** Back the mapping with huge pages. */
    public static final int MAP_HUGETLB = 0x40000;
    /** Free the pages: the next access sees zeroes (anonymous private) or the file. */
    public static final int MADV_DONTNEED = 4;
    /** Do not make the range available to a child after fork. */
    public static final int MADV_DONTFORK = 10;
    /** Let KSM merge identical pages in the range. */
    public static final int MADV_MERGEABLE = 12;
    /** Back the range with transparent huge pages where possible. */
    public static final int MADV_HUGEPAGE = 14;

    // <sys/eventfd.h>
    /** eventfd reads decrement the counter by 1 instead of resetting it. */
    public static final int EFD_SEMAPHORE = 0x1;
    /** eventfd is non-blocking. */
    public static final int EFD_NONBLOCK = 0x800;
    /** eventfd is closed on exec. */
    public static final int EFD_CLOEXEC = 0x80000;

    // <poll.h>
    /** There is data to read. */
    public static final int POLLIN = 0x1;
    /** Writing will not block. */
    public static final int POLLOUT = 0x4;
    /** Error condition (output only). */
    public static final int POLLERR = 0x8;
    /** Hang up (output only). */
    public static final int POLLHUP = 0x10;

    // <sys/epoll.h>
    /** The descriptor is readable. */
    public static final int EPOLLIN = 0x1;
    /** The descriptor is writable. */
    public static final int EPOLLOUT = 0x4;
    /** Error condition (always reported). */
    public static final int EPOLLERR = 0x8;
    /** Hang up (always reported). */
    public static final int EPOLLHUP = 0x10;
    /** Edge-triggered notification (bit 31). */
    public static final int EPOLLET = 0x8000_0000;
    /** epoll_create1 flag: close the epoll descriptor on exec. */
    public static final int EPOLL_CLOEXEC = 0x80000;
    /** epoll_ctl: register a descriptor. */
    public static final int EPOLL_CTL_ADD = 1;
    /** epoll_ctl: deregister a descriptor. */
    public static final int EPOLL_CTL_DEL = 2;
    /** epoll_ctl: change a registered descriptor's events and data. */
    public static final int EPOLL_CTL_MOD = 3;

    // <fcntl.h> commands
    /** fcntl: get the descriptor flags (FD_CLOEXEC). */
    public static final int F_GETFD = 1;
    /** fcntl: set the descriptor flags. */
    public static final int F_SETFD = 2;
    /** fcntl: get the file status flags (O_*). */
    public static final int F_GETFL = 3;
    /** fcntl: set the file status flags (O_APPEND, O_NONBLOCK, O_DIRECT...). */
    public static final int F_SETFL = 4;
    /** The close-on-exec descriptor flag. */
    public static final int FD_CLOEXEC = 1;
    /** fcntl: test for an open-file-description lock (struct flock). */
    public static final int F_OFD_GETLK = 36;
    /** fcntl: acquire or release an open-file-description lock without waiting. */
    public static final int F_OFD_SETLK = 37;
    /** fcntl: acquire an open-file-description lock, waiting for it. */
    public static final int F_OFD_SETLKW = 38;
    /** Lock type: shared read lock. */
    public static final int F_RDLCK = 0;
    /** Lock type: exclusive write lock. */
    public static final int F_WRLCK = 1;
    /** Lock type: unlock. */
    public static final int F_UNLCK = 2;
    /** flock.l_whence: relative to the start of the file. */
    public static final int SEEK_SET = 0;
    /** flock.l_whence: relative to the current offset. */
    public static final int SEEK_CUR = 1;
    /** flock.l_whence: relative to the end of the file. */
    public static final int SEEK_END = 2;

    // <fcntl.h> (<linux/falloc.h>) fallocate modes
    /** fallocate: do not change the file size, even when the range reaches past the end. */
    public static final int FALLOC_FL_KEEP_SIZE = 0x1;
    /** fallocate: deallocate the range (reads return zeroes); must be combined with FALLOC_FL_KEEP_SIZE. */
    public static final int FALLOC_FL_PUNCH_HOLE = 0x2;
    /** fallocate: make the range read as zeroes, keeping (or allocating) its blocks. */
    public static final int FALLOC_FL_ZERO_RANGE = 0x10;

    // <signal.h>, <unistd.h>
    /** User-defined signal 1. */
    public static final int SIGUSR1 = 10;
    /** sysconf: the page size in bytes. */
    public static final int _SC_PAGESIZE = 30;

    /** mmap's error return, {@code (void *) -1}. */
    private static final long MAP_FAILED = -1L;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(PathElement.groupElement("errno"));

    private static final MethodHandle OPEN = withErrno("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle CLOSE = withErrno("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IOCTL = withErrno("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), 2);
    private static final MethodHandle IOCTL_POINTER = withErrno("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2);
    private static final MethodHandle MMAP = withErrno("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = withErrno("munmap",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle MADVISE = withErrno("madvise",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle EVENTFD = withErrno("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = withErrno("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = withErrno("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle PREAD = withErrno("pread",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PWRITE = withErrno("pwrite",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PREADV = withErrno("preadv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle PWRITEV = withErrno("pwritev",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle LSEEK = withErrno("lseek",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FDATASYNC = withErrno("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FALLOCATE = withErrno("fallocate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle POLL = withErrno("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle EPOLL_CREATE1 = withErrno("epoll_create1",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = withErrno("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_WAIT = withErrno("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FCNTL = withErrno("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), 2);
    private static final MethodHandle FCNTL_POINTER = withErrno("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), 2);
    private static final MethodHandle SIGACTION = withErrno("sigaction",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SYSCONF = withErrno("sysconf", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    // These report errors by return value, or cannot fail.
    private static final MethodHandle PTHREAD_SELF = plain("pthread_self", FunctionDescriptor.of(JAVA_LONG));
    private static final MethodHandle PTHREAD_KILL = plain("pthread_kill",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CURRENT_SIGRTMIN = plain("__libc_current_sigrtmin",
            FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETPID = plain("getpid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle ERRNO_LOCATION = plain("__errno_location", FunctionDescriptor.of(ADDRESS));

    /**
     * The signal handler {@link #installNoopSignalHandler} installs: libc's {@code int abs(int)}.
     *
     * <p>A vCPU thread is kicked out of {@code KVM_RUN} (or any blocking call) by a signal, which only
     * interrupts the call if the signal is caught: an ignored signal is discarded, and a default action
     * would kill the process. The handler itself must do nothing, and it cannot be an FFM upcall: an upcall
     * enters the JVM, which is not async-signal-safe (it may allocate, take locks or reach a safepoint in
     * the middle of whatever the interrupted thread was doing). So the handler is a C function that already
     * exists, takes one int (the kernel passes the signal number), touches no memory and no errno, and is
     * async-signal-safe: {@code abs}. Its result is discarded.
     */
    private static final MemorySegment NOOP_HANDLER = symbol("abs");

    private Libc() {
    }

    /** Opens a file; {@code open(path, flags)}, for flags without O_CREAT. */
    public static int open(String path, int flags) {
        return open(path, flags, 0);
    }

    /** Opens or creates a file; {@code open(path, flags, mode)}. */
    public static int open(String path, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags, mode);
            if (fd < 0) {
                throw new NativeException("open(\"" + path + "\", 0x" + Integer.toHexString(flags)
                        + (mode != 0 ? ", 0" + Integer.toOctalString(mode) : "") + ")", errno(state));
            }
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Closes a descriptor. On Linux the descriptor is released even when close reports EINTR, so EINTR is
     * not an error here (retrying could close a descriptor another thread just opened).
     */
    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) CLOSE.invokeExact(state, fd);
            if (result != 0 && errno(state) != Errno.EINTR) {
                throw new NativeException("close(fd " + fd + ")", errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ioctl(fd, request, 0)}. */
    public static int ioctl(int fd, Ioctl request) {
        return ioctl(fd, request, 0L);
    }

    /** {@code ioctl(fd, request, arg)} with an integer argument; returns the ioctl's non-negative result. */
    public static int ioctl(int fd, Ioctl request, long arg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) IOCTL.invokeExact(state, fd, request.request(), arg);
            if (result == -1) {
                throw new NativeException("ioctl(fd " + fd + ", " + request.name() + ", " + arg + ")",
                        errno(state));
            }
            return result;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ioctl(fd, request, &struct)}: the argument is the address of {@code arg}. */
    public static int ioctl(int fd, Ioctl request, MemorySegment arg) {
        if (arg.byteSize() < request.size()) {
            throw new IllegalArgumentException(request.name() + " needs " + request.size()
                    + " bytes, the argument has " + arg.byteSize());
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) IOCTL_POINTER.invokeExact(state, fd, request.request(), arg);
            if (result == -1) {
                throw new NativeException("ioctl(fd " + fd + ", " + request.name() + ", 0x"
                        + Long.toHexString(arg.address()) + ")", errno(state));
            }
            return result;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** An errno capture segment for {@link #ioctlNoThrow}; use it only on the thread that owns it. */
    public static MemorySegment allocateCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /**
     * The hot-path ioctl ({@code KVM_RUN}): returns the ioctl's result, or {@code -errno} when it failed.
     * It allocates nothing and throws no NativeException; it throws only if {@code callState} is not a live
     * segment from {@link #allocateCallState} usable by this thread, which is a programming error.
     */
    public static int ioctlNoThrow(int fd, long request, long arg, MemorySegment callState) {
        try {
            int result = (int) IOCTL.invokeExact(callState, fd, request, arg);
            return result == -1 ? -(int) ERRNO.get(callState, 0L) : result;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Maps memory; returns a segment of {@code length} bytes at the mapping's address. The segment is not
     * tied to an arena: release it with {@link #munmap}, after which it must not be touched.
     */
    public static MemorySegment mmap(long addr, long length, int prot, int flags, int fd, long offset) {
        return MemorySegment.ofAddress(map(addr, length, prot, flags, fd, offset)).reinterpret(length);
    }

    /**
     * Maps memory owned by an arena: closing the arena unmaps it, and the segment is no longer accessible
     * afterwards (a use after close throws instead of faulting).
     */
    public static MemorySegment mmap(Arena arena, long addr, long length, int prot, int flags, int fd,
            long offset) {
        long address = map(addr, length, prot, flags, fd, offset);
        return MemorySegment.ofAddress(address).reinterpret(length, arena,
                ignored -> munmap(address, length));
    }

    /** Unmaps a segment returned by {@link #mmap(long, long, int, int, int, long)}. */
    public static void munmap(MemorySegment mapping) {
        munmap(mapping.address(), mapping.byteSize());
    }

    /** {@code madvise} over a page-aligned range. */
    public static void madvise(MemorySegment range, int advice) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) MADVISE.invokeExact(state, range, range.byteSize(), advice);
            if (result != 0) {
                throw new NativeException("madvise(0x" + Long.toHexString(range.address()) + ", "
                        + range.byteSize() + ", " + advice + ")", errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Creates an eventfd with the given counter and EFD_* flags. */
    public static int eventfd(int initval, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) EVENTFD.invokeExact(state, initval, flags);
            if (fd < 0) {
                throw new NativeException("eventfd(" + initval + ", 0x" + Integer.toHexString(flags) + ")",
                        errno(state));
            }
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Reads up to {@code buf.byteSize()} bytes; returns the count read (0 at end of file). */
    public static long read(int fd, MemorySegment buf) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long count = (long) READ.invokeExact(state, fd, buf, buf.byteSize());
            if (count < 0) {
                throw new NativeException("read(fd " + fd + ", " + buf.byteSize() + " bytes)", errno(state));
            }
            return count;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Writes up to {@code buf.byteSize()} bytes; returns the count written. */
    public static long write(int fd, MemorySegment buf) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long count = (long) WRITE.invokeExact(state, fd, buf, buf.byteSize());
            if (count < 0) {
                throw new NativeException("write(fd " + fd + ", " + buf.byteSize() + " bytes)", errno(state));
            }
            return count;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * The hot-path read (an eventfd drained by an I/O thread): the count read, or {@code -errno}. Allocates nothing;
     * {@code callState} comes from {@link #allocateCallState} and is used by this thread only.
     */
    public static long readNoThrow(int fd, MemorySegment buf, MemorySegment callState) {
        try {
            long count = (long) READ.invokeExact(callState, fd, buf, buf.byteSize());
            return count < 0 ? -(int) ERRNO.get(callState, 0L) : count;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The hot-path write (an eventfd signalled by an I/O thread): as {@link #readNoThrow}. */
    public static long writeNoThrow(int fd, MemorySegment buf, MemorySegment callState) {
        try {
            long count = (long) WRITE.invokeExact(callState, fd, buf, buf.byteSize());
            return count < 0 ? -(int) ERRNO.get(callState, 0L) : count;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Reads up to {@code buf.byteSize()} bytes at a file offset; returns the count read. */
    public static long pread(int fd, MemorySegment buf, long offset) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long count = (long) PREAD.invokeExact(state, fd, buf, buf.byteSize(), offset);
            if (count < 0) {
                throw new NativeException("pread(fd " + fd + ", " + buf.byteSize() + " bytes, offset " + offset
                        + ")", errno(state));
            }
            return count;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Writes up to {@code buf.byteSize()} bytes at a file offset; returns the count written. */
    public static long pwrite(int fd, MemorySegment buf, long offset) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long count = (long) PWRITE.invokeExact(state, fd, buf, buf.byteSize(), offset);
            if (count < 0) {
                throw new NativeException("pwrite(fd " + fd + ", " + buf.byteSize() + " bytes, offset " + offset
                        + ")", errno(state));
            }
            return count;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code preadv(fd, iov, count, offset)}: fills the {@code count} buffers of the {@code struct iovec} array
     * {@code iov} ({@link Iovec}) in order from the file at {@code offset}, in one system call;
     * returns the bytes read, which may be fewer than asked (end of file). This is a per-request call of the block
     * I/O threads, so it allocates nothing unless it fails: its errno capture segment comes from
     * {@link #allocateCallState}, used by the calling thread only.
     */
    public static long preadv(int fd, MemorySegment iov, int count, long offset, MemorySegment callState) {
        requireArray("preadv", iov, count, Iovec.LAYOUT.byteSize());
        try {
            long result = (long) PREADV.invokeExact(callState, fd, iov, count, offset);
            if (result < 0) {
                throw new NativeException("preadv(fd " + fd + ", " + count + " iovecs, offset " + offset + ")",
                        errno(callState));
            }
            return result;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code pwritev(fd, iov, count, offset)}: writes the buffers in order at {@code offset}; as {@link #preadv}. */
    public static long pwritev(int fd, MemorySegment iov, int count, long offset, MemorySegment callState) {
        requireArray("pwritev", iov, count, Iovec.LAYOUT.byteSize());
        try {
            long result = (long) PWRITEV.invokeExact(callState, fd, iov, count, offset);
            if (result < 0) {
                throw new NativeException("pwritev(fd " + fd + ", " + count + " iovecs, offset " + offset + ")",
                        errno(callState));
            }
            return result;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Moves the file offset ({@code whence}: SEEK_SET, SEEK_CUR, SEEK_END); returns the new offset. */
    public static long lseek(int fd, long offset, int whence) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long result = (long) LSEEK.invokeExact(state, fd, offset, whence);
            if (result < 0) {
                throw new NativeException("lseek(fd " + fd + ", " + offset + ", " + whence + ")", errno(state));
            }
            return result;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Flushes the file's data (and the metadata needed to read it back) to stable storage. */
    public static void fdatasync(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) FDATASYNC.invokeExact(state, fd);
            if (result != 0) {
                throw new NativeException("fdatasync(fd " + fd + ")", errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code fallocate(fd, mode, offset, length)} with FALLOC_FL_* {@code mode}; a file system that cannot do the
     * mode reports EOPNOTSUPP.
     */
    public static void fallocate(int fd, int mode, long offset, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) FALLOCATE.invokeExact(state, fd, mode, offset, length);
            if (result != 0) {
                throw new NativeException("fallocate(fd " + fd + ", mode 0x" + Integer.toHexString(mode) + ", offset "
                        + offset + ", length " + length + ")", errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Waits for events on {@code nfds} {@link PollFd} structs; returns how many have events (0 on timeout).
     * An interrupting signal surfaces as a NativeException with errno EINTR.
     */
    public static int poll(MemorySegment pollfds, int nfds, int timeoutMillis) {
        requireArray("poll", pollfds, nfds, PollFd.LAYOUT.byteSize());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int ready = (int) POLL.invokeExact(state, pollfds, (long) nfds, timeoutMillis);
            if (ready < 0) {
                throw new NativeException("poll(" + nfds + " fds, timeout " + timeoutMillis + " ms)",
                        errno(state));
            }
            return ready;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * The hot-path poll (an I/O thread's wait): how many {@link PollFd} structs have events, or {@code -errno}
     * (EINTR when a signal interrupted it). Allocates nothing; {@code callState} as for {@link #readNoThrow}.
     */
    public static int pollNoThrow(MemorySegment pollfds, int nfds, int timeoutMillis, MemorySegment callState) {
        requireArray("poll", pollfds, nfds, PollFd.LAYOUT.byteSize());
        try {
            int ready = (int) POLL.invokeExact(callState, pollfds, (long) nfds, timeoutMillis);
            return ready < 0 ? -(int) ERRNO.get(callState, 0L) : ready;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Creates an epoll instance (flags: 0 or EPOLL_CLOEXEC). */
    public static int epollCreate1(int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) EPOLL_CREATE1.invokeExact(state, flags);
            if (fd < 0) {
                throw new NativeException("epoll_create1(0x" + Integer.toHexString(flags) + ")", errno(state));
            }
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Adds, changes or removes ({@code op}) a descriptor, with its EPOLL* events and 64-bit user data. */
    public static void epollCtl(int epfd, int op, int fd, int events, long data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(EpollEvent.LAYOUT);
            EpollEvent.EVENTS.set(event, 0L, events);
            EpollEvent.DATA.set(event, 0L, data);
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) EPOLL_CTL.invokeExact(state, epfd, op, fd, event);
            if (result != 0) {
                throw new NativeException("epoll_ctl(epfd " + epfd + ", op " + op + ", fd " + fd + ", events 0x"
                        + Integer.toHexString(events) + ")", errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Waits for up to {@code maxEvents} {@link EpollEvent}s; returns how many were stored (0 on timeout). */
    public static int epollWait(int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        requireArray("epoll_wait", events, maxEvents, EpollEvent.LAYOUT.byteSize());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int ready = (int) EPOLL_WAIT.invokeExact(state, epfd, events, maxEvents, timeoutMillis);
            if (ready < 0) {
                throw new NativeException("epoll_wait(epfd " + epfd + ", " + maxEvents + " events, timeout "
                        + timeoutMillis + " ms)", errno(state));
            }
            return ready;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code fcntl(fd, cmd, arg)} with an integer argument. */
    public static int fcntl(int fd, int cmd, long arg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) FCNTL.invokeExact(state, fd, cmd, arg);
            if (result == -1) {
                throw new NativeException("fcntl(fd " + fd + ", cmd " + cmd + ", " + arg + ")", errno(state));
            }
            return result;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code fcntl(fd, cmd, &struct)}, e.g. F_OFD_SETLK with a {@link Flock}. */
    public static int fcntl(int fd, int cmd, MemorySegment arg) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) FCNTL_POINTER.invokeExact(state, fd, cmd, arg);
            if (result == -1) {
                throw new NativeException("fcntl(fd " + fd + ", cmd " + cmd + ", 0x"
                        + Long.toHexString(arg.address()) + ")", errno(state));
            }
            return result;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The calling thread's {@code pthread_t}, for {@link #pthreadKill}. Use from platform threads only. */
    public static long pthreadSelf() {
        try {
            return (long) PTHREAD_SELF.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sends a signal to a thread of this process (pthread_kill returns its error instead of setting errno). */
    public static void pthreadKill(long thread, int signal) {
        try {
            int error = (int) PTHREAD_KILL.invokeExact(thread, signal);
            if (error != 0) {
                throw new NativeException("pthread_kill(thread 0x" + Long.toHexString(thread) + ", signal "
                        + signal + ")", error);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The first real-time signal applications may use (glibc keeps the lowest ones for itself). */
    public static int sigrtmin() {
        try {
            return (int) CURRENT_SIGRTMIN.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Installs a handler that does nothing for {@code signal}, so that sending it to a thread (with
     * {@link #pthreadKill}) interrupts the thread's blocking call (EINTR, or KVM_RUN's KVM_EXIT_INTR).
     *
     * <p>The handler is the address of libc's {@code int abs(int)}: the signal must be caught (an ignored signal
     * is discarded, and the default action of a real-time signal kills the process), but no FFM upcall may run
     * in a signal handler, since entering the JVM there is not async-signal-safe. {@code abs} takes the signal
     * number, touches no memory and no errno, and returns. {@code sa_flags} is 0: without SA_RESTART the
     * interrupted call returns EINTR instead of being restarted; glibc's sigaction adds SA_RESTORER itself.
     */
    public static void installNoopSignalHandler(int signal) {
        try (Arena arena = Arena.ofConfined()) {
            // Zeroed: an empty sa_mask and sa_flags 0.
            MemorySegment action = arena.allocate(SigAction.LAYOUT);
            SigAction.SA_HANDLER.set(action, 0L, NOOP_HANDLER);
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) SIGACTION.invokeExact(state, signal, action, MemorySegment.NULL);
            if (result != 0) {
                throw new NativeException("sigaction(signal " + signal + ", handler abs)", errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code sysconf(name)}. A result of -1 is an error only if errno was set, so errno is cleared first;
     * otherwise -1 means the limit is indeterminate and is returned.
     */
    public static long sysconf(int name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment errnoLocation = ((MemorySegment) ERRNO_LOCATION.invokeExact())
                    .reinterpret(JAVA_INT.byteSize());
            errnoLocation.set(JAVA_INT, 0, 0);
            long value = (long) SYSCONF.invokeExact(state, name);
            if (value == -1 && errno(state) != 0) {
                throw new NativeException("sysconf(" + name + ")", errno(state));
            }
            return value;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The process id. */
    public static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static long map(long addr, long length, int prot, int flags, int fd, long offset) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long address = (long) MMAP.invokeExact(state, addr, length, prot, flags, fd, offset);
            if (address == MAP_FAILED) {
                throw new NativeException("mmap(addr 0x" + Long.toHexString(addr) + ", length " + length
                        + ", prot 0x" + Integer.toHexString(prot) + ", flags 0x" + Integer.toHexString(flags)
                        + ", fd " + fd + ", offset " + offset + ")", errno(state));
            }
            return address;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void munmap(long address, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) MUNMAP.invokeExact(state, address, length);
            if (result != 0) {
                throw new NativeException("munmap(0x" + Long.toHexString(address) + ", " + length + ")",
                        errno(state));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void requireArray(String call, MemorySegment array, int count, long elementSize) {
        if (count < 0 || array.byteSize() < count * elementSize) {
            throw new IllegalArgumentException(call + ": " + count + " entries of " + elementSize
                    + " bytes do not fit in a segment of " + array.byteSize() + " bytes");
        }
    }

    private static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    private static MethodHandle withErrno(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor, Linker.Option.captureCallState("errno"));
    }

    /** A downcall to a variadic function whose fixed parameters are the first {@code fixedArgs}. */
    private static MethodHandle withErrno(String name, FunctionDescriptor descriptor, int fixedArgs) {
        return LINKER.downcallHandle(symbol(name), descriptor, Linker.Option.captureCallState("errno"),
                Linker.Option.firstVariadicArg(fixedArgs));
    }

    private static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError(
                "libc symbol " + name + " not found by the FFM default lookup"));
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (t instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException("unexpected checked exception from a downcall", t);
    }
}
