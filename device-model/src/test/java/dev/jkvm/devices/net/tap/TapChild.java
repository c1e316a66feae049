package dev.jkvm.devices.net.tap;

/**
 * Opens a tap the way jkvm's {@code -netdev tap,ifname=NAME,br=BRIDGE} does, in a process of its own, so
 * {@link TapPrivilegeTest} can run it as another user, without capabilities or without /dev/net/tun. Prints
 * one line: {@code OPENED <name> created=<bool> up=<bool>} or {@code FAILED <reason> <message>}.
 */
public final class TapChild {

    private TapChild() {
    }

    /** Arguments: the tap's name ({@code ""} for a new one) and, optionally, the bridge to attach it to. */
    public static void main(String[] args) {
        try (Tap tap = Tap.open(args[0])) {
            if (args.length > 1) {
                tap.attachToBridge(args[1]);
            }
            tap.bringUp();
            System.out.println("OPENED " + tap.name() + " created=" + tap.created() + " up=" + tap.isUp());
        } catch (TapException e) {
            System.out.println("FAILED " + e.reason() + " " + e.getMessage());
        }
    }
}
