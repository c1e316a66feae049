package dev.jkvm.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs the jkvm command in a child JVM, as a user would, and captures what it prints and how it exits. */
record JkvmProcess(int status, String stdout, String stderr) {
    static JkvmProcess run(Duration limit, String... args) throws IOException, InterruptedException {
        return run(limit, List.of(), args);
    }

    /** The command line that runs jkvm with {@code args} in a child JVM; {@code prefix} wraps the JVM command. */
    static List<String> command(List<String> prefix, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("--sun-misc-unsafe-memory-access=allow");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return command;
    }

    /** {@code prefix} wraps the JVM command, e.g. to drop privileges. */
    static JkvmProcess run(Duration limit, List<String> prefix, String... args) throws IOException, InterruptedException {
        List<String> command = command(prefix, args);
        Path out = java.nio.file.Files.createTempFile("jkvm-out", ".txt");
        Path err = java.nio.file.Files.createTempFile("jkvm-err", ".txt");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                fail("jkvm " + String.join(" ", args) + " did not finish within " + limit + "; stdout: "
                        + java.nio.file.Files.readString(out) + " stderr: " + java.nio.file.Files.readString(err));
            }
            return new JkvmProcess(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                    java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            java.nio.file.Files.deleteIfExists(out);
            java.nio.file.Files.deleteIfExists(err);
        }
    }
}
