package dev.jkvm.core.x86.cpu;

import java.util.ArrayList;
import java.util.List;

/**
 * Sockets × cores × threads and the APIC IDs QEMU derives from them: an APIC ID is the thread number in its
 * low bits, then the core number, then the socket number, each field {@code ceil(log2(count))} bits wide (zero
 * bits for a count of one), and vCPU index {@code i} is thread {@code i % threads} of core
 * {@code (i / threads) % cores} of socket {@code i / (threads * cores)}. So IDs have gaps when a count is not
 * a power of two: {@code -smp 6,sockets=2,cores=3} gives 0, 1, 2, 4, 5, 6.
 */
public record CpuTopology(int sockets, int cores, int threads) {
    public CpuTopology {
        if (sockets < 1 || cores < 1 || threads < 1) {
            throw new IllegalArgumentException("topology values must be at least 1: sockets=" + sockets
                    + " cores=" + cores + " threads=" + threads);
        }
    }

    /** Bits of the APIC ID that number threads within a core. */
    public int threadBits() {
        return widthFor(threads);
    }

    /** Bits of the APIC ID that number cores within a package. */
    public int coreBits() {
        return widthFor(cores);
    }

    /** Where the core number starts in an APIC ID: CPUID 0xB/0x1F's SMT-level shift. */
    public int coreShift() {
        return threadBits();
    }

    /** Where the socket number starts in an APIC ID: CPUID 0xB/0x1F's core-level shift. */
    public int packageShift() {
        return threadBits() + coreBits();
    }

    /** Logical processors in one package. */
    public int threadsPerPackage() {
        return cores * threads;
    }

    /** vCPUs the topology holds. */
    public int maxCpus() {
        return sockets * cores * threads;
    }

    /** The APIC ID (and the KVM vCPU id) of the vCPU with index {@code index}, as QEMU numbers them. */
    public int apicId(int index) {
        if (index < 0 || index >= maxCpus()) {
            throw new IllegalArgumentException("vCPU index " + index + " outside " + this + " (" + maxCpus() + " vCPUs)");
        }
        int thread = index % threads;
        int core = index / threads % cores;
        int socket = index / (threads * cores);
        return socket << packageShift() | core << coreShift() | thread;
    }

    /** The APIC IDs of the first {@code cpus} vCPUs, in index order. */
    public List<Integer> apicIds(int cpus) {
        List<Integer> ids = new ArrayList<>(cpus);
        for (int i = 0; i < cpus; i++) {
            ids.add(apicId(i));
        }
        return List.copyOf(ids);
    }

    /** The thread number within its core of the vCPU with this APIC ID. */
    public int threadId(int apicId) {
        return apicId & ((1 << threadBits()) - 1);
    }

    /** The core number within its package of the vCPU with this APIC ID. */
    public int coreId(int apicId) {
        return (apicId >>> coreShift()) & ((1 << coreBits()) - 1);
    }

    /** The package (socket) number of the vCPU with this APIC ID. */
    public int packageId(int apicId) {
        return apicId >>> packageShift();
    }

    /** ceil(log2(count)): the width of an ID field that must number {@code count} things. */
    static int widthFor(int count) {
        return count <= 1 ? 0 : Integer.SIZE - Integer.numberOfLeadingZeros(count - 1);
    }
}
