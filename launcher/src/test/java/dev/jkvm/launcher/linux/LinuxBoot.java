package dev.jkvm.launcher.linux;

import java.nio.file.Path;

/**
 * One Linux boot as QEMU's command line describes it; every {@link Vmm} turns it into its own command.
 *
 * @param kernel    the -kernel file (a bzImage for jkvm, the decompressed vmlinux for QEMU on this host)
 * @param initrd    the -initrd file
 * @param memoryMiB guest RAM
 * @param smp       the -smp argument and the CPU count it means
 * @param cpu       the -cpu argument (QEMU syntax)
 * @param append    the kernel command line (-append)
 */
record LinuxBoot(Path kernel, Path initrd, long memoryMiB, Smp smp, String cpu, String append) {

    /** Bytes in a MiB. */
    private static final long MIB = 1L << 20;
    /** MiB in a GiB. */
    private static final long MIB_PER_GIB = 1024;

    /** -smp: the argument as written and the number of vCPUs it asks for. */
    record Smp(int cpus, String argument) {
        /** {@code -smp N}: N vCPUs, QEMU's default topology. */
        static Smp cpus(int cpus) {
            return new Smp(cpus, Integer.toString(cpus));
        }

        /** {@code -smp S*C,sockets=S,cores=C}. */
        static Smp sockets(int sockets, int coresPerSocket) {
            int cpus = sockets * coresPerSocket;
            return new Smp(cpus, cpus + ",sockets=" + sockets + ",cores=" + coresPerSocket);
        }
    }

    /** The same boot with another kernel file (each VMM gets the kernel form it boots). */
    LinuxBoot withKernel(Path other) {
        return new LinuxBoot(other, initrd, memoryMiB, smp, cpu, append);
    }

    long memoryBytes() {
        return memoryMiB * MIB;
    }

    /** The -m argument, with QEMU's G suffix for whole GiB ("3G") so that suffix is exercised too. */
    String memoryArgument() {
        return memoryMiB >= MIB_PER_GIB && memoryMiB % MIB_PER_GIB == 0 ? memoryMiB / MIB_PER_GIB + "G"
                : Long.toString(memoryMiB);
    }
}
