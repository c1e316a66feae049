package dev.jkvm.launcher.linux;

import java.time.Duration;

/** How waiting on a VMM's console ended. */
sealed interface ConsoleOutcome {

    /** A one-line account for assertion messages. */
    String describe();

    /** The console reached what was waited for: {@code line} arrived {@code at} after the process started. */
    record Matched(String line, Duration at) implements ConsoleOutcome {
        @Override
        public String describe() {
            return "reached \"" + line + "\" after " + at.toMillis() + " ms";
        }
    }

    /** The process ended by itself with {@code status}, {@code at} after it started. */
    record Exited(int status, Duration at) implements ConsoleOutcome {
        @Override
        public String describe() {
            return "exited with status " + status + " after " + at.toMillis() + " ms";
        }
    }

    /** Neither happened within {@code limit}; the process was killed. */
    record TimedOut(Duration limit) implements ConsoleOutcome {
        @Override
        public String describe() {
            return "still running at the " + limit.toSeconds() + " s limit, killed";
        }
    }
}
