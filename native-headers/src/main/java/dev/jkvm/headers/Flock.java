package dev.jkvm.headers;

import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static dev.jkvm.headers.Layouts.u16;
import static dev.jkvm.headers.Layouts.u32;
import static dev.jkvm.headers.Layouts.u64;

/** {@code struct flock} from {@code <fcntl.h>}: a byte-range lock for {@code F_OFD_*} {@link Libc#fcntl}. */
public final class Flock {

    /** The C layout, 32 bytes. */
    public static final StructLayout LAYOUT = Layouts.struct("flock",
            u16("l_type"), u16("l_whence"), u64("l_start"), u64("l_len"), u32("l_pid"));

    /** Offset of {@code short l_type}. */
    public static final long OFFSET_L_TYPE = Layouts.offset(LAYOUT, "l_type");
    /** Offset of {@code short l_whence}. */
    public static final long OFFSET_L_WHENCE = Layouts.offset(LAYOUT, "l_whence");
    /** Offset of {@code off_t l_start}. */
    public static final long OFFSET_L_START = Layouts.offset(LAYOUT, "l_start");
    /** Offset of {@code off_t l_len}. */
    public static final long OFFSET_L_LEN = Layouts.offset(LAYOUT, "l_len");
    /** Offset of {@code pid_t l_pid}. */
    public static final long OFFSET_L_PID = Layouts.offset(LAYOUT, "l_pid");

    /** {@code short l_type}: F_RDLCK, F_WRLCK or F_UNLCK. */
    public static final VarHandle L_TYPE = Layouts.varHandle(LAYOUT, "l_type");
    /** {@code short l_whence}: SEEK_SET, SEEK_CUR or SEEK_END. */
    public static final VarHandle L_WHENCE = Layouts.varHandle(LAYOUT, "l_whence");
    /** {@code off_t l_start}: first byte of the range. */
    public static final VarHandle L_START = Layouts.varHandle(LAYOUT, "l_start");
    /** {@code off_t l_len}: length of the range, 0 for "to the end of the file". */
    public static final VarHandle L_LEN = Layouts.varHandle(LAYOUT, "l_len");
    /** {@code pid_t l_pid}: must be 0 for OFD locks; F_OFD_GETLK reports -1. */
    public static final VarHandle L_PID = Layouts.varHandle(LAYOUT, "l_pid");

    private Flock() {
    }
}
