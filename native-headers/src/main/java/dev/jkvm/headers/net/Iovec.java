package dev.jkvm.headers.net;

import dev.jkvm.headers.Layouts;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.pointer;
import static dev.jkvm.headers.Layouts.struct;
import static dev.jkvm.headers.Layouts.u64;

/**
 * {@code struct iovec} from {@code <sys/uio.h>}: one buffer of a {@link NetLibc#readv}/{@link NetLibc#writev}
 * vector, so a frame can move between a tap and scattered guest buffers without a copy.
 */
public final class Iovec {

    /** The C layout, 16 bytes. */
    public static final StructLayout LAYOUT = struct("iovec", pointer("iov_base"), u64("iov_len"));

    /** Offset of {@code void *iov_base}. */
    public static final long OFFSET_IOV_BASE = Layouts.offset(LAYOUT, "iov_base");
    /** Offset of {@code size_t iov_len}. */
    public static final long OFFSET_IOV_LEN = Layouts.offset(LAYOUT, "iov_len");

    /** {@code void *iov_base}: the buffer's address. */
    public static final VarHandle IOV_BASE = Layouts.varHandle(LAYOUT, "iov_base");
    /** {@code size_t iov_len}: the buffer's length in bytes. */
    public static final VarHandle IOV_LEN = Layouts.varHandle(LAYOUT, "iov_len");

    private Iovec() {
    }

    /** Points element {@code index} of the iovec array {@code vector} at {@code buffer} (its address and size). */
    public static void set(MemorySegment vector, int index, MemorySegment buffer) {
        MemorySegment element = Layouts.arrayElement(vector, 0, LAYOUT, index);
        IOV_BASE.set(element, 0L, buffer);
        IOV_LEN.set(element, 0L, buffer.byteSize());
    }
}
