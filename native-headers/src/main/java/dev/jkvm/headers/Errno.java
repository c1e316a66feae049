package dev.jkvm.headers;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Linux x86-64 error numbers, with their symbolic names and fixed English descriptions.
 *
 * <p>The descriptions are the texts glibc's {@code strerror} gives in the C locale (the layout probe test
 * compares them); they are kept here rather than fetched from {@code strerror}, which is not thread-safe.
 */
public final class Errno {

    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** No such process. */
    public static final int ESRCH = 3;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Input/output error. */
    public static final int EIO = 5;
    /** No such device or address. */
    public static final int ENXIO = 6;
    /** Argument list too long. */
    public static final int E2BIG = 7;
    /** Exec format error. */
    public static final int ENOEXEC = 8;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** No child processes. */
    public static final int ECHILD = 10;
    /** Resource temporarily unavailable. */
    public static final int EAGAIN = 11;
    /** Cannot allocate memory. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Bad address. */
    public static final int EFAULT = 14;
    /** Block device required. */
    public static final int ENOTBLK = 15;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** File exists. */
    public static final int EEXIST = 17;
    /** Invalid cross-device link. */
    public static final int EXDEV = 18;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Not a directory. */
    public static final int ENOTDIR = 20;
    /** Is a directory. */
    public static final int EISDIR = 21;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Too many open files in system. */
    public static final int ENFILE = 23;
    /** Too many open files. */
    public static final int EMFILE = 24;
    /** Inappropriate ioctl for device. */
    public static final int ENOTTY = 25;
    /** Text file busy. */
    public static final int ETXTBSY = 26;
    /** File too large. */
    public static final int EFBIG = 27;
    /** No space left on device. */
    public static final int ENOSPC = 28;
    /** Illegal seek. */
    public static final int ESPIPE = 29;
    /** Read-only file system. */
    public static final int EROFS = 30;
    /** Too many links. */
    public static final int EMLINK = 31;
    /** Broken pipe. */
    public static final int EPIPE = 32;
    /** Numerical argument out of domain. */
    public static final int EDOM = 33;
    /** Numerical result out of range. */
    public static final int ERANGE = 34;
    /** Resource deadlock avoided. */
    public static final int EDEADLK = 35;
    /** File name too long. */
    public static final int ENAMETOOLONG = 36;
    /** No locks available. */
    public static final int ENOLCK = 37;
    /** Function not implemented. */
    public static final int ENOSYS = 38;
    /** Directory not empty. */
    public static final int ENOTEMPTY = 39;
    /** Too many levels of symbolic links. */
    public static final int ELOOP = 40;
    /** No data available. */
    public static final int ENODATA = 61;
    /** Timer expired. */
    public static final int ETIME = 62;
    /** Protocol error. */
    public static final int EPROTO = 71;
    /** Bad message. */
    public static final int EBADMSG = 74;
    /** Value too large for defined data type. */
    public static final int EOVERFLOW = 75;
    /** File descriptor in bad state. */
    public static final int EBADFD = 77;
    /** Invalid or incomplete multibyte or wide character. */
    public static final int EILSEQ = 84;
    /** Socket operation on non-socket. */
    public static final int ENOTSOCK = 88;
    /** Message too long. */
    public static final int EMSGSIZE = 90;
    /** Operation not supported. */
    public static final int EOPNOTSUPP = 95;
    /** Address already in use. */
    public static final int EADDRINUSE = 98;
    /** Network is down. */
    public static final int ENETDOWN = 100;
    /** Network is unreachable. */
    public static final int ENETUNREACH = 101;
    /** Connection reset by peer. */
    public static final int ECONNRESET = 104;
    /** No buffer space available. */
    public static final int ENOBUFS = 105;
    /** Transport endpoint is not connected. */
    public static final int ENOTCONN = 107;
    /** Connection timed out. */
    public static final int ETIMEDOUT = 110;
    /** Connection refused. */
    public static final int ECONNREFUSED = 111;
    /** No route to host. */
    public static final int EHOSTUNREACH = 113;
    /** Operation already in progress. */
    public static final int EALREADY = 114;
    /** Operation now in progress. */
    public static final int EINPROGRESS = 115;
    /** Stale file handle. */
    public static final int ESTALE = 116;
    /** Remote I/O error. */
    public static final int EREMOTEIO = 121;
    /** Disk quota exceeded. */
    public static final int EDQUOT = 122;
    /** No medium found. */
    public static final int ENOMEDIUM = 123;
    /** Operation canceled. */
    public static final int ECANCELED = 125;
    /** Memory page has hardware error. */
    public static final int EHWPOISON = 133;

    /** One known error number: its value, symbolic name and description. */
    private record Known(int value, String name, String description) {
    }

    /** Every constant above, by value. */
    private static final Map<Integer, Known> KNOWN = List.of(
            new Known(EPERM, "EPERM", "Operation not permitted"),
            new Known(ENOENT, "ENOENT", "No such file or directory"),
            new Known(ESRCH, "ESRCH", "No such process"),
            new Known(EINTR, "EINTR", "Interrupted system call"),
            new Known(EIO, "EIO", "Input/output error"),
            new Known(ENXIO, "ENXIO", "No such device or address"),
            new Known(E2BIG, "E2BIG", "Argument list too long"),
            new Known(ENOEXEC, "ENOEXEC", "Exec format error"),
            new Known(EBADF, "EBADF", "Bad file descriptor"),
            new Known(ECHILD, "ECHILD", "No child processes"),
            new Known(EAGAIN, "EAGAIN", "Resource temporarily unavailable"),
            new Known(ENOMEM, "ENOMEM", "Cannot allocate memory"),
            new Known(EACCES, "EACCES", "Permission denied"),
            new Known(EFAULT, "EFAULT", "Bad address"),
            new Known(ENOTBLK, "ENOTBLK", "Block device required"),
            new Known(EBUSY, "EBUSY", "Device or resource busy"),
            new Known(EEXIST, "EEXIST", "File exists"),
            new Known(EXDEV, "EXDEV", "Invalid cross-device link"),
            new Known(ENODEV, "ENODEV", "No such device"),
            new Known(ENOTDIR, "ENOTDIR", "Not a directory"),
            new Known(EISDIR, "EISDIR", "Is a directory"),
            new Known(EINVAL, "EINVAL", "Invalid argument"),
            new Known(ENFILE, "ENFILE", "Too many open files in system"),
            new Known(EMFILE, "EMFILE", "Too many open files"),
            new Known(ENOTTY, "ENOTTY", "Inappropriate ioctl for device"),
            new Known(ETXTBSY, "ETXTBSY", "Text file busy"),
            new Known(EFBIG, "EFBIG", "File too large"),
            new Known(ENOSPC, "ENOSPC", "No space left on device"),
            new Known(ESPIPE, "ESPIPE", "Illegal seek"),
            new Known(EROFS, "EROFS", "Read-only file system"),
            new Known(EMLINK, "EMLINK", "Too many links"),
            new Known(EPIPE, "EPIPE", "Broken pipe"),
            new Known(EDOM, "EDOM", "Numerical argument out of domain"),
            new Known(ERANGE, "ERANGE", "Numerical result out of range"),
            new Known(EDEADLK, "EDEADLK", "Resource deadlock avoided"),
            new Known(ENAMETOOLONG, "ENAMETOOLONG", "File name too long"),
            new Known(ENOLCK, "ENOLCK", "No locks available"),
            new Known(ENOSYS, "ENOSYS", "Function not implemented"),
            new Known(ENOTEMPTY, "ENOTEMPTY", "Directory not empty"),
            new Known(ELOOP, "ELOOP", "Too many levels of symbolic links"),
            new Known(ENODATA, "ENODATA", "No data available"),
            new Known(ETIME, "ETIME", "Timer expired"),
            new Known(EPROTO, "EPROTO", "Protocol error"),
            new Known(EBADMSG, "EBADMSG", "Bad message"),
            new Known(EOVERFLOW, "EOVERFLOW", "Value too large for defined data type"),
            new Known(EBADFD, "EBADFD", "File descriptor in bad state"),
            new Known(EILSEQ, "EILSEQ", "Invalid or incomplete multibyte or wide character"),
            new Known(ENOTSOCK, "ENOTSOCK", "Socket operation on non-socket"),
            new Known(EMSGSIZE, "EMSGSIZE", "Message too long"),
            new Known(EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported"),
            new Known(EADDRINUSE, "EADDRINUSE", "Address already in use"),
            new Known(ENETDOWN, "ENETDOWN", "Network is down"),
            new Known(ENETUNREACH, "ENETUNREACH", "Network is unreachable"),
            new Known(ECONNRESET, "ECONNRESET", "Connection reset by peer"),
            new Known(ENOBUFS, "ENOBUFS", "No buffer space available"),
            new Known(ENOTCONN, "ENOTCONN", "Transport endpoint is not connected"),
            new Known(ETIMEDOUT, "ETIMEDOUT", "Connection timed out"),
            new Known(ECONNREFUSED, "ECONNREFUSED", "Connection refused"),
            new Known(EHOSTUNREACH, "EHOSTUNREACH", "No route to host"),
            new Known(EALREADY, "EALREADY", "Operation already in progress"),
            new Known(EINPROGRESS, "EINPROGRESS", "Operation now in progress"),
            new Known(ESTALE, "ESTALE", "Stale file handle"),
            new Known(EREMOTEIO, "EREMOTEIO", "Remote I/O error"),
            new Known(EDQUOT, "EDQUOT", "Disk quota exceeded"),
            new Known(ENOMEDIUM, "ENOMEDIUM", "No medium found"),
            new Known(ECANCELED, "ECANCELED", "Operation canceled"),
            new Known(EHWPOISON, "EHWPOISON", "Memory page has hardware error"))
            .stream().collect(Collectors.toUnmodifiableMap(Known::value, Function.identity()));

    private Errno() {
    }

    /** The symbolic name of an error number, e.g. {@code "ENOENT"}; {@code "E?200"} for one not listed here. */
    public static String name(int errno) {
        Known known = KNOWN.get(errno);
        return known != null ? known.name() : "E?" + errno;
    }

    /** The English description of an error number, e.g. {@code "No such file or directory"}. */
    public static String description(int errno) {
        Known known = KNOWN.get(errno);
        return known != null ? known.description() : "Unknown error " + errno;
    }
}
