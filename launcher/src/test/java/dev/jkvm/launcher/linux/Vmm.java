package dev.jkvm.launcher.linux;

import dev.jkvm.launcher.Main;
import dev.jkvm.testos.Accelerator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A VMM that boots a {@link LinuxBoot} with its serial console on stdout. */
sealed interface Vmm {

    /** The full command line that boots {@code boot}. */
    List<String> command(LinuxBoot boot);

    /**
     * qemu-system-x86_64, the reference. -nodefaults drops VGA, NIC (whose iPXE ROM prints and stalls here) and the
     * rest; -display none (not -nographic, which mirrors SeaBIOS's banner to the serial port) leaves COM1 on stdio
     * as the only output; -no-reboot turns a triple fault or reboot into an exit.
     */
    record Qemu(Path executable, Accelerator accelerator) implements Vmm {
        @Override
        public List<String> command(LinuxBoot boot) {
            List<String> command = new ArrayList<>();
            command.add(executable.toString());
            command.addAll(accelerator.arguments());
            command.addAll(List.of("-cpu", boot.cpu(), "-m", boot.memoryArgument(), "-smp", boot.smp().argument(),
                    "-nodefaults", "-display", "none", "-serial", "stdio", "-no-reboot",
                    "-kernel", boot.kernel().toString(), "-initrd", boot.initrd().toString(),
                    "-append", boot.append()));
            return List.copyOf(command);
        }
    }

    /**
     * The jkvm command in a child JVM, run from this test's class path (which holds the launcher and everything it
     * needs) as a user runs it: java, the native-access grant the ./jkvm script gives, {@link Main}, QEMU's flags.
     */
    record Jkvm(Path java, String classPath) implements Vmm {
        /** jkvm on the JDK and class path of the running test. */
        static Jkvm fromTestClassPath() {
            return new Jkvm(Path.of(System.getProperty("java.home"), "bin", "java"),
                    System.getProperty("java.class.path"));
        }

        @Override
        public List<String> command(LinuxBoot boot) {
            return List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
                    Main.class.getName(),
                    "-m", boot.memoryArgument(), "-smp", boot.smp().argument(), "-cpu", boot.cpu(),
                    "-kernel", boot.kernel().toString(), "-initrd", boot.initrd().toString(),
                    "-append", boot.append(), "-no-reboot");
        }
    }
}
