package dev.jkvm.headers;

/**
 * A failed system or library call: which call (with the arguments that identify it) and the errno it set.
 *
 * <p>Example message: {@code ioctl(fd 7, KVM_CREATE_VCPU, 0) failed: EEXIST (File exists)}.
 */
public final class NativeException extends RuntimeException {

    private final String call;
    private final int errno;

    /**
     * @param call the call and its identifying arguments, e.g. {@code open("/dev/kvm", 0x80002)}
     * @param errno the error number the call reported
     */
    public NativeException(String call, int errno) {
        super(call + " failed: " + Errno.name(errno) + " (" + Errno.description(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The call and its identifying arguments, as built by {@link Libc}. */
    public String call() {
        return call;
    }

    /** The error number, e.g. {@link Errno#EEXIST}. */
    public int errno() {
        return errno;
    }

    /** The symbolic name of {@link #errno()}, e.g. {@code "EEXIST"}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
