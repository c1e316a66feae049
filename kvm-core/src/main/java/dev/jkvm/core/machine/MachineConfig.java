package dev.jkvm.core.machine;

import dev.jkvm.devices.net.tap.MacAddress;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What to build: RAM, vCPUs, the kernel and its command line, where the serial console goes, and the virtio
 * functions on PCI bus 0. {@code consoleInput} may be null (no input).
 *
 * <p>{@code pciFunctions} take slots 2, 3, … in list order. A NIC given without a MAC gets
 * {@link MacAddress#generate}{@code (this process's pid, its number among the NICs)}: QEMU's 52:54:00 range,
 * distinct between VMs running at the same time on one host.
 */
public record MachineConfig(long memoryBytes, int cpus, Kernel kernel, String cmdline,
                            OutputStream console, InputStream consoleInput, boolean transparentHugePages,
                            Path kvmDevice, DebugExitPort debugExit, Initrd initrd, Topology topology,
                            String cpuModel, List<PciFunction> pciFunctions) {
    /** Where QEMU's isa-debug-exit device sits, when the machine has one. */
    public record DebugExitPort(int base, int size) {
        /** The placement test guests conventionally use: {@code -device isa-debug-exit,iobase=0xf4,iosize=0x04}. */
        public static final DebugExitPort QEMU_TEST_DEFAULT = new DebugExitPort(0xF4, 4);
    }

    /** The -cpu model when none is given: everything KVM supports on this host. */
    public static final String DEFAULT_CPU_MODEL = "host";
    /** Most vCPUs jkvm starts; KVM's own limit is checked at creation. */
    public static final int MAX_CPUS = 1024;

    public MachineConfig {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(console, "console");
        Objects.requireNonNull(kvmDevice, "kvmDevice");
        cmdline = cmdline == null ? "" : cmdline;
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("memory size must be positive, got " + memoryBytes);
        }
        if (cpus < 1 || cpus > MAX_CPUS) {
            throw new IllegalArgumentException("vCPU count must be 1.." + MAX_CPUS + ", got " + cpus);
        }
        topology = topology == null ? Topology.cores(cpus) : topology;
        if (topology.maxCpus() < cpus) {
            throw new IllegalArgumentException("topology " + topology + " holds fewer than " + cpus + " vCPUs");
        }
        cpuModel = cpuModel == null ? DEFAULT_CPU_MODEL : cpuModel;
        pciFunctions = withDefaultMacs(pciFunctions == null ? List.of() : pciFunctions,
                ProcessHandle.current().pid());
    }

    /** The virtio-blk drives, in slot order. */
    public List<Drive> drives() {
        return pciFunctions.stream().<Drive>mapMulti((function, out) -> {
            if (function instanceof PciFunction.Disk(Drive drive)) {
                out.accept(drive);
            }
        }).toList();
    }

    /** The virtio-net NICs, in slot order, each with its MAC. */
    public List<Nic> nics() {
        return pciFunctions.stream().<Nic>mapMulti((function, out) -> {
            if (function instanceof PciFunction.Network(Nic nic)) {
                out.accept(nic);
            }
        }).toList();
    }

    /** {@code functions} with every NIC lacking a MAC given the default for its number among the NICs. */
    static List<PciFunction> withDefaultMacs(List<PciFunction> functions, long pid) {
        List<PciFunction> resolved = new ArrayList<>(functions.size());
        int nicIndex = 0;
        for (PciFunction function : functions) {
            if (function instanceof PciFunction.Network(Nic nic)) {
                if (nic.mac() == null) {
                    try {
                        function = new PciFunction.Network(nic.withMac(MacAddress.generate(pid, nicIndex)));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("NIC " + nic.id() + ": " + e.getMessage(), e);
                    }
                }
                nicIndex++;
            }
            resolved.add(Objects.requireNonNull(function, "PCI function"));
        }
        return List.copyOf(resolved);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Defaults: 128 MiB, one vCPU, console to standard output, no input, /dev/kvm, no isa-debug-exit, guest RAM
     * madvised for transparent huge pages (as QEMU does).
     */
    public static final class Builder {
        private long memoryBytes = 128L << 20;
        private int cpus = 1;
        private Kernel kernel;
        private String cmdline = "";
        private OutputStream console = System.out;
        private InputStream consoleInput;
        private boolean transparentHugePages = true;
        private Path kvmDevice = Path.of("/dev/kvm");
        private DebugExitPort debugExit;
        private Initrd initrd;
        private Topology topology;
        private String cpuModel;
        private final List<PciFunction> pciFunctions = new ArrayList<>();

        public Builder memoryMiB(long mib) {
            this.memoryBytes = mib << 20;
            return this;
        }

        public Builder memoryBytes(long bytes) {
            this.memoryBytes = bytes;
            return this;
        }

        public Builder cpus(int cpus) {
            this.cpus = cpus;
            return this;
        }

        public Builder kernel(Kernel kernel) {
            this.kernel = kernel;
            return this;
        }

        public Builder kernel(Path path) {
            this.kernel = Kernel.read(path);
            return this;
        }

        public Builder cmdline(String cmdline) {
            this.cmdline = cmdline;
            return this;
        }

        public Builder console(OutputStream console) {
            this.console = console;
            return this;
        }

        public Builder consoleInput(InputStream input) {
            this.consoleInput = input;
            return this;
        }

        public Builder transparentHugePages(boolean enabled) {
            this.transparentHugePages = enabled;
            return this;
        }

        public Builder kvmDevice(Path device) {
            this.kvmDevice = device;
            return this;
        }

        /** Adds QEMU's isa-debug-exit: a write of v ends the VM with status (v << 1) | 1. */
        public Builder debugExit(DebugExitPort port) {
            this.debugExit = port;
            return this;
        }

        public Builder initrd(Initrd initrd) {
            this.initrd = initrd;
            return this;
        }

        /** Sockets × cores × threads; defaults to one socket of {@code cpus} cores. */
        public Builder topology(Topology topology) {
            this.topology = topology;
            return this;
        }

        /** QEMU's -cpu syntax, e.g. "host", "qemu64,-cx16", "host,-xsave". */
        public Builder cpuModel(String cpuModel) {
            this.cpuModel = cpuModel;
            return this;
        }

        /** Adds a virtio-blk drive in the next PCI slot: functions take slots 2, 3, … in the order added. */
        public Builder drive(Drive drive) {
            this.pciFunctions.add(new PciFunction.Disk(drive));
            return this;
        }

        /** Adds a virtio-net NIC in the next PCI slot: functions take slots 2, 3, … in the order added. */
        public Builder nic(Nic nic) {
            this.pciFunctions.add(new PciFunction.Network(nic));
            return this;
        }

        public MachineConfig build() {
            return new MachineConfig(memoryBytes, cpus, kernel, cmdline, console, consoleInput,
                    transparentHugePages, kvmDevice, debugExit, initrd, topology, cpuModel, pciFunctions);
        }
    }
}
