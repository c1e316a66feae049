package dev.jkvm.launcher;

import java.util.List;

/** QEMU's {@code -action reboot=reset|shutdown}, the part of -action jkvm implements. */
final class RebootAction {
    private RebootAction() {
    }

    /** Whether a guest reset boots the machine again; -no-reboot (and the default) end jkvm instead. */
    static boolean parse(List<String> actions, boolean noReboot) {
        boolean reboot = false;
        for (String action : actions) {
            switch (action) {
                case "reboot=reset" -> reboot = true;
                case "reboot=shutdown" -> reboot = false;
                default -> throw new UsageException("-action " + action
                        + ": unsupported (jkvm has: reboot=reset, reboot=shutdown)");
            }
        }
        if (reboot && noReboot) {
            throw new UsageException("-action reboot=reset contradicts -no-reboot");
        }
        return reboot;
    }
}
