package dev.jkvm.core.machine;

/** Why a machine stopped. The first reason reported wins. */
public sealed interface VmStop {
    /** The process exit status a command-line VMM should end with. */
    int exitStatus();

    /** The guest ended itself: power-off (status 0), isa-debug-exit, or a reset under no-reboot. */
    record GuestExit(int status, String cause) implements VmStop {
        /** The cause of a guest-requested system reset. */
        public static final String RESET = "reset";

        /** A reset request, which a VMM may answer by booting the machine again. */
        public static GuestExit reset() {
            return new GuestExit(0, RESET);
        }

        public boolean isReset() {
            return RESET.equals(cause);
        }

        @Override
        public int exitStatus() {
            return status;
        }
    }

    /** The VM cannot go on: an emulation failure, a triple fault, a failed entry, an error in a device model. */
    record Failure(int vcpu, String message) implements VmStop {
        /** Exit status for a failed VM: even, so it never collides with isa-debug-exit's odd statuses. */
        public static final int EXIT_STATUS = 2;

        @Override
        public int exitStatus() {
            return EXIT_STATUS;
        }
    }

    /** The host asked the machine to stop. */
    record HostRequest() implements VmStop {
        @Override
        public int exitStatus() {
            return 0;
        }
    }
}
