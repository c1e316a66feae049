package dev.jkvm.launcher.linux;

import java.util.ArrayList;
import java.util.List;

/**
 * What one wait on a VMM's console produced.
 *
 * @param command the VMM's command line
 * @param outcome how the wait ended
 * @param console the console so far, parsed
 * @param stderr  what the VMM printed on stderr so far (its own diagnostics, not the guest's)
 */
record ConsoleRun(List<String> command, ConsoleOutcome outcome, KernelConsole console, String stderr) {

    /** Console lines quoted in full by {@link #describe()}; longer transcripts keep their head and tail. */
    private static final int QUOTED_LINES = 60;

    ConsoleRun {
        command = List.copyOf(command);
    }

    /** A multi-line account for assertion messages: command, outcome, console (shortened), stderr. */
    String describe() {
        List<String> lines = console.lines();
        String shown;
        if (lines.size() <= QUOTED_LINES) {
            shown = String.join("\n    ", lines);
        } else {
            int half = QUOTED_LINES / 2;
            shown = String.join("\n    ", lines.subList(0, half)) + "\n    [... " + (lines.size() - QUOTED_LINES)
                    + " lines ...]\n    " + String.join("\n    ", lines.subList(lines.size() - half, lines.size()));
        }
        return shortCommand() + "\n  -> " + outcome.describe()
                + "\n  console (" + lines.size() + " lines):\n    " + shown
                + "\n  stderr:\n    " + stderr.strip().replace("\n", "\n    ");
    }

    /** The command with a class path argument elided: it runs to kilobytes and says nothing about the boot. */
    private String shortCommand() {
        List<String> shown = new ArrayList<>(command);
        for (int i = 1; i < shown.size(); i++) {
            if (shown.get(i - 1).equals("-cp")) {
                shown.set(i, "<class path>");
            }
        }
        return String.join(" ", shown);
    }
}
