package dev.jkvm.testos.net;

import java.util.List;

/** A finished command: what ran, its exit status, and its standard output and error merged. */
public record CommandResult(List<String> command, int exitCode, String output) {

    public CommandResult {
        command = List.copyOf(command);
    }

    /** Whether the command exited with status 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }

    /** Command, status and output on one block, for exception and assertion messages. */
    public String describe() {
        return String.join(" ", command) + " -> exit status " + exitCode + (output.isBlank() ? "" : ": "
                + output.strip());
    }
}
