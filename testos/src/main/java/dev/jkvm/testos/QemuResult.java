package dev.jkvm.testos;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What a QEMU run produced: it either exited on its own or was killed at the time limit. */
public sealed interface QemuResult permits QemuResult.Exited, QemuResult.TimedOut {

    /** The full command line that was run. */
    List<String> command();

    /** The guest's serial output (QEMU's stdout), as received, including the guest's CR LF line ends. */
    String stdout();

    /** QEMU's own diagnostics. */
    String stderr();

    /** Wall-clock time from process start to exit (or to the kill). */
    Duration elapsed();

    /** The serial output split into lines, without line terminators. */
    default List<String> lines() {
        return stdout().lines().toList();
    }

    /** A multi-line account of the run for assertion messages: command, outcome, both outputs. */
    default String describe() {
        String outcome = switch (this) {
            case Exited exited -> "exit status " + exited.status()
                    + exited.testOsExit().map(e -> " (" + e + ")").orElse("");
            case TimedOut timedOut -> "killed after the " + timedOut.timeout() + " time limit";
        };
        return String.join(" ", command()) + "\n  -> " + outcome + " in " + elapsed().toMillis() + " ms"
                + "\n  stdout: " + stdout().replace("\r", "").replace("\n", "\n          ")
                + "\n  stderr: " + stderr().strip().replace("\n", "\n          ");
    }

    /** QEMU exited by itself with {@code status}. */
    record Exited(List<String> command, int status, String stdout, String stderr, Duration elapsed)
            implements QemuResult {
        public Exited {
            command = List.copyOf(command);
        }

        /** The test OS ending this status means, if any. */
        public Optional<TestOsExit> testOsExit() {
            return TestOsExit.fromQemuStatus(status);
        }
    }

    /** QEMU was still running at {@code timeout} and was killed. */
    record TimedOut(List<String> command, Duration timeout, String stdout, String stderr, Duration elapsed)
            implements QemuResult {
        public TimedOut {
            command = List.copyOf(command);
        }
    }
}
