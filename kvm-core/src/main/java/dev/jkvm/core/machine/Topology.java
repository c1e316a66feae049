package dev.jkvm.core.machine;

/** How vCPUs group into sockets, cores and threads, as QEMU's -smp sockets=,cores=,threads= says. */
public record Topology(int sockets, int cores, int threads) {
    public Topology {
        if (sockets < 1 || cores < 1 || threads < 1) {
            throw new IllegalArgumentException("topology values must be at least 1: sockets=" + sockets
                    + " cores=" + cores + " threads=" + threads);
        }
    }

    /** QEMU 7's default for {@code -smp n} on PC machines: one socket of n cores. */
    public static Topology cores(int n) {
        return new Topology(1, n, 1);
    }

    public int maxCpus() {
        return sockets * cores * threads;
    }
}
