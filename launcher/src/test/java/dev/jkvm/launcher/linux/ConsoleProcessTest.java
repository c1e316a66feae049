package dev.jkvm.launcher.linux;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner streams a child's stdout and stops waiting at a console fact, at the child's exit, or at the limit. */
class ConsoleProcessTest {

    /** Far longer than any of these tests may take: a child still running then was not stopped. */
    private static final Duration LIMIT = Duration.ofSeconds(30);
    /** A short limit for the time-out cases. */
    private static final Duration SHORT_LIMIT = Duration.ofMillis(500);

    private static List<String> shell(String script) {
        return List.of("/bin/sh", "-c", script);
    }

    @Test
    void stopsWaitingAtTheLineThatCompletesTheFact() throws Exception {
        long start = System.nanoTime();
        ConsoleRun run;
        try (ConsoleProcess child = ConsoleProcess.start(
                shell("printf 'Linux version 6.1.0 (x)\\r\\nMemory: 1K/2K available\\r\\nafter\\n'; exec sleep 60"))) {
            run = child.awaitConsole(console -> console.memory().isPresent(), LIMIT);
        }
        ConsoleOutcome.Matched matched = assertInstanceOf(ConsoleOutcome.Matched.class, run.outcome(), run::describe);
        assertEquals("Memory: 1K/2K available", matched.line());
        assertTrue(run.console().version().isPresent());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(LIMIT) < 0, "close() killed the child");
    }

    @Test
    void reportsAnExitBeforeTheFact() throws Exception {
        ConsoleRun run;
        try (ConsoleProcess child = ConsoleProcess.start(shell("echo booting; echo 'no kernel' >&2; exit 3"))) {
            run = child.awaitConsole(console -> console.memory().isPresent(), LIMIT);
        }
        ConsoleOutcome.Exited exited = assertInstanceOf(ConsoleOutcome.Exited.class, run.outcome(), run::describe);
        assertEquals(3, exited.status());
        assertEquals(List.of("booting"), run.console().lines());
        assertEquals("no kernel\n", run.stderr());
    }

    @Test
    void killsTheChildAtTheLimit() throws Exception {
        ConsoleRun run;
        try (ConsoleProcess child = ConsoleProcess.start(shell("echo started; exec sleep 60"))) {
            run = child.awaitConsole(console -> console.memory().isPresent(), SHORT_LIMIT);
        }
        assertInstanceOf(ConsoleOutcome.TimedOut.class, run.outcome(), run::describe);
        assertEquals(List.of("started"), run.console().lines());
    }

    @Test
    void awaitExitReturnsTheStatusOrKills() throws Exception {
        ConsoleRun ended;
        try (ConsoleProcess child = ConsoleProcess.start(shell("echo done; exit 2"))) {
            ended = child.awaitExit(LIMIT);
        }
        assertEquals(2, assertInstanceOf(ConsoleOutcome.Exited.class, ended.outcome(), ended::describe).status());
        assertEquals(List.of("done"), ended.console().lines());

        ConsoleRun hung;
        try (ConsoleProcess child = ConsoleProcess.start(shell("exec sleep 60"))) {
            hung = child.awaitExit(SHORT_LIMIT);
        }
        assertInstanceOf(ConsoleOutcome.TimedOut.class, hung.outcome(), hung::describe);
    }

    @Test
    void describeElidesTheClassPath() {
        ConsoleRun run = new ConsoleRun(List.of("java", "-cp", "a.jar:b.jar", "Main"),
                new ConsoleOutcome.Exited(0, Duration.ZERO), KernelConsole.parse(""), "");

        assertTrue(run.describe().startsWith("java -cp <class path> Main\n"), run.describe());
    }
}
