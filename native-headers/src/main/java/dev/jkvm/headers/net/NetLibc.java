package dev.jkvm.headers.net;

import dev.jkvm.headers.NativeException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The glibc calls for networking that {@link dev.jkvm.headers.Libc} does not have: {@code socket} (for the
 * interface and bridge ioctls) and {@code readv}/{@code writev} (frames between a tap and scattered buffers).
 *
 * <p>{@code readv} and {@code writev} are per-frame calls on an I/O thread, so like {@code Libc.ioctlNoThrow}
 * they allocate nothing and return {@code -errno} instead of throwing: an empty non-blocking tap (EAGAIN) is
 * the normal end of every receive burst, not an exception. Their errno capture segment comes from
 * {@link dev.jkvm.headers.Libc#allocateCallState}.
 */
public final class NetLibc {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(PathElement.groupElement("errno"));

    private static final MethodHandle SOCKET = withErrno("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle READV = withErrno("readv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WRITEV = withErrno("writev",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    private NetLibc() {
    }

    /** Creates a socket; {@code socket(domain, type, protocol)}, e.g. AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0. */
    public static int socket(int domain, int type, int protocol) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) SOCKET.invokeExact(state, domain, type, protocol);
            if (fd < 0) {
                throw new NativeException("socket(" + domain + ", 0x" + Integer.toHexString(type) + ", "
                        + protocol + ")", (int) ERRNO.get(state, 0L));
            }
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code readv(fd, iov, count)}: returns the bytes read, or {@code -errno}. Allocates nothing.
     *
     * @param iov an array of at least {@code count} {@link Iovec}s
     * @param callState a segment from {@code Libc.allocateCallState}, used by this thread only
     */
    public static long readv(int fd, MemorySegment iov, int count, MemorySegment callState) {
        requireVector("readv", iov, count);
        try {
            long result = (long) READV.invokeExact(callState, fd, iov, count);
            return result < 0 ? -(int) ERRNO.get(callState, 0L) : result;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code writev(fd, iov, count)}: returns the bytes written, or {@code -errno}; as {@link #readv}. */
    public static long writev(int fd, MemorySegment iov, int count, MemorySegment callState) {
        requireVector("writev", iov, count);
        try {
            long result = (long) WRITEV.invokeExact(callState, fd, iov, count);
            return result < 0 ? -(int) ERRNO.get(callState, 0L) : result;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void requireVector(String call, MemorySegment iov, int count) {
        if (count < 0 || iov.byteSize() < count * Iovec.LAYOUT.byteSize()) {
            throw new IllegalArgumentException(call + ": " + count + " iovecs do not fit in a segment of "
                    + iov.byteSize() + " bytes");
        }
    }

    private static MethodHandle withErrno(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError(
                "libc symbol " + name + " not found by the FFM default lookup"));
        return LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno"));
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
