package dev.jkvm.devices.net.tap;

import dev.jkvm.headers.Errno;
import dev.jkvm.headers.NativeException;

/**
 * A tap or bridge operation that failed, as one line naming the interface, what is wrong and how to fix it,
 * then the call and errno, e.g. {@code tap0: already in use by another program ... (ioctl TUNSETIFF: EBUSY)}.
 */
public final class TapException extends RuntimeException {

    /** Why the operation failed, for callers that react differently (the launcher's exit message, tests). */
    public enum Reason {
        /** {@code /dev/net/tun} does not exist (no tun module, or a container without the device node). */
        NO_TUN_DEVICE,
        /** Not root and no CAP_NET_ADMIN, or the tap is owned by another user, or the device node is 0600. */
        NOT_PERMITTED,
        /** The tap is already attached to another descriptor (a tap without IFF_MULTI_QUEUE takes one). */
        IN_USE,
        /** The name belongs to an interface that is not a tap (or is a tun or multiqueue device). */
        NOT_A_TAP,
        /** The bridge named does not exist. */
        NO_SUCH_BRIDGE,
        /** The interface named as the bridge is not a bridge. */
        NOT_A_BRIDGE,
        /** The tap is already a port of a different bridge. */
        ATTACHED_ELSEWHERE,
        /** Any other failure; the errno says which. */
        FAILED
    }

    private final Reason reason;
    private final String interfaceName;
    private final String call;
    private final int errno;

    /**
     * @param reason the kind of failure
     * @param interfaceName the tap (or bridge) concerned
     * @param explanation what is wrong and what to do, without the interface name
     * @param call the failed call as the message shows it, e.g. {@code ioctl TUNSETIFF}
     * @param cause the failed call as Libc reported it
     */
    TapException(Reason reason, String interfaceName, String explanation, String call, NativeException cause) {
        super(interfaceName + ": " + explanation + " (" + call + ": " + cause.errnoName() + ")", cause);
        this.reason = reason;
        this.interfaceName = interfaceName;
        this.call = call;
        this.errno = cause.errno();
    }

    /** The kind of failure. */
    public Reason reason() {
        return reason;
    }

    /** The tap or bridge the message is about. */
    public String interfaceName() {
        return interfaceName;
    }

    /** The call that failed, e.g. {@code ioctl SIOCBRADDIF br0}. */
    public String call() {
        return call;
    }

    /** The errno the call reported. */
    public int errno() {
        return errno;
    }

    /** The symbolic name of {@link #errno()}, e.g. {@code "EBUSY"}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
