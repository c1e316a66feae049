package dev.jkvm.core.machine;

import dev.jkvm.core.Kvm;
import dev.jkvm.core.Vcpu;
import dev.jkvm.core.VcpuExit;
import dev.jkvm.core.Vm;
import dev.jkvm.core.VmmException;
import dev.jkvm.core.bus.IoBus;
import dev.jkvm.core.memory.GuestMemory;
import dev.jkvm.core.memory.MemoryRegion;
import dev.jkvm.core.pci.GsiRouting;
import dev.jkvm.core.x86.BootLayout;
import dev.jkvm.devices.platform.PlatformControl;
import dev.jkvm.devices.serial.SerialInputPump;
import dev.jkvm.devices.serial.Uart16550;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.kvm.KvmConstants;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A whole x86 virtual machine: KVM VM with in-kernel irqchip and PIT, guest RAM, the PC's basic devices, PCI bus 0
 * with a virtio-blk function per configured drive and a virtio-net function per NIC (on its tap), a kernel loaded and the boot vCPU placed at its entry, and one
 * platform thread per vCPU ({@code vcpu-N}) once started.
 * This is the embedding API: build a {@link MachineConfig}, {@link #create} it, {@link #start}, {@link #awaitStop}.
 */
public final class Machine implements AutoCloseable, PlatformControl {
    /** Offset from SIGRTMIN of the signal that kicks vCPU threads out of KVM_RUN (the JVM uses none of these). */
    private static final int KICK_SIGNAL_OFFSET = 4;
    /** How long close() waits for a vCPU thread to leave the guest after being kicked. */
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    private final MachineConfig config;
    private final List<AutoCloseable> resources;
    private final Kvm kvm;
    private final Vm vm;
    private final GuestMemory memory;
    private final List<Vcpu> vcpus = new ArrayList<>();
    private final IoBus portIo = new IoBus("port I/O");
    private final IoBus mmio = new IoBus("MMIO");
    private final ExitDispatcher dispatcher;
    private final Uart16550 uart;
    private final PcPci pci;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<VmStop> stop = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private SerialInputPump inputPump;
    private volatile boolean stopping;
    private boolean closed;

    private Machine(MachineConfig config, List<AutoCloseable> resources, Function<Nic, NicLink> links) {
        this.config = config;
        this.resources = resources;
        this.kvm = own(Kvm.open(config.kvmDevice()));
        kvm.require(KvmConstants.KVM_CAP_IRQCHIP, "an in-kernel irqchip (KVM_CAP_IRQCHIP)");
        kvm.require(KvmConstants.KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT");
        int maxVcpus = Math.max(kvm.checkExtension(KvmConstants.KVM_CAP_MAX_VCPUS),
                kvm.checkExtension(KvmConstants.KVM_CAP_NR_VCPUS));
        if (config.cpus() > maxVcpus) {
            throw new VmmException("-smp " + config.cpus() + ": this host's KVM allows at most " + maxVcpus + " vCPUs");
        }
        this.vm = own(kvm.createVm());
        vm.setIdentityMapAddress(BootLayout.KVM_IDENTITY_MAP);
        vm.setTssAddress(BootLayout.KVM_TSS);
        vm.createIrqchip();
        vm.createPit2(KvmConstants.KVM_PIT_SPEAKER_DUMMY);
        GsiRouting gsiRouting = new GsiRouting(vm);
        this.memory = own(GuestMemory.allocateX86(config.memoryBytes(), config.transparentHugePages()));
        for (MemoryRegion region : memory.regions()) {
            vm.setMemoryRegion(region.slot(), region.guestAddress(), region.host(), 0);
        }
        List<Integer> ids = CpuSetup.vcpuIds(config);
        int maxId = kvm.checkExtension(KvmConstants.KVM_CAP_MAX_VCPU_ID);
        int highest = ids.stream().mapToInt(Integer::intValue).max().orElse(0);
        if (maxId > 0 && highest >= maxId) {
            throw new VmmException("-smp: topology " + config.topology() + " needs APIC ID " + highest
                    + ", above this host's KVM limit of " + (maxId - 1));
        }
        for (int id : ids) {
            vcpus.add(own(vm.createVcpu(id)));
        }
        this.dispatcher = new ExitDispatcher(this, portIo, mmio);
        PlatformContext pc = new PlatformContext(config, kvm, vm, memory, vcpus, portIo, mmio, this);
        CpuSetup.configure(pc);
        this.uart = PcDevices.install(pc).uart();
        this.pci = own(PcPci.install(pc, gsiRouting, links));
        FirmwareTables firmware = FirmwareTables.install(pc);
        KernelBoot.load(pc, firmware.rsdpAddress());
    }

    /**
     * Builds the machine, opening each NIC's tap; nothing runs until {@link #start}. On any error everything made so
     * far is released (a tap jkvm created is gone again).
     */
    public static Machine create(MachineConfig config) {
        return create(config, TapAttachment::open);
    }

    /** As {@link #create(MachineConfig)}, with the NICs' host ends opened by {@code links} instead of on taps. */
    static Machine create(MachineConfig config, Function<Nic, NicLink> links) {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            return new Machine(config, resources, links);
        } catch (RuntimeException e) {
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.add(resource);
        return resource;
    }

    public MachineConfig config() {
        return config;
    }

    /** PCI bus 0: the root bus, the plugged drives with their transports and BAR mappers, MSI vectors. */
    public PcPci pci() {
        return pci;
    }

    public Vm vm() {
        return vm;
    }

    public GuestMemory memory() {
        return memory;
    }

    public List<Vcpu> vcpus() {
        return List.copyOf(vcpus);
    }

    /** The port-I/O bus, where embedders may add their own devices before {@link #start}. */
    public IoBus portIo() {
        return portIo;
    }

    public IoBus mmio() {
        return mmio;
    }

    /** Starts one platform thread per vCPU, named vcpu-0 … vcpu-N-1. */
    public synchronized void start() {
        if (!threads.isEmpty() || closed) {
            throw new IllegalStateException("machine already started or closed");
        }
        int signal = Libc.sigrtmin() + KICK_SIGNAL_OFFSET;
        Libc.installNoopSignalHandler(signal);
        for (Vcpu vcpu : vcpus) {
            Thread thread = Thread.ofPlatform().name("vcpu-" + vcpu.id()).daemon(true)
                    .unstarted(() -> runVcpu(vcpu, signal));
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        if (config.consoleInput() != null) {
            inputPump = SerialInputPump.start("serial-input", config.consoleInput(), uart);
        }
    }

    private void runVcpu(Vcpu vcpu, int signal) {
        vcpu.bindCurrentThread(signal);
        try {
            while (!stopping) {
                dispatcher.dispatch(vcpu, vcpu.run());
            }
        } catch (RuntimeException | Error e) {
            requestStop(new VmStop.Failure(vcpu.id(), "vcpu-" + vcpu.id() + ": " + e));
        } finally {
            vcpu.unbindCurrentThread();
        }
    }

    /**
     * Runs vCPU {@code index} once on the calling thread and handles its exit: for benchmarks and tests that
     * drive a machine without {@link #start}.
     */
    public VcpuExit step(int index) {
        Vcpu vcpu = vcpus.get(index);
        VcpuExit exit = vcpu.run();
        dispatcher.dispatch(vcpu, exit);
        return exit;
    }

    /** PlatformControl: the guest asked to end with {@code exitStatus} (isa-debug-exit, ACPI power-off). */
    @Override
    public void shutdown(int exitStatus) {
        requestStop(new VmStop.GuestExit(exitStatus, exitStatus == 0 ? "power-off" : "isa-debug-exit"));
    }

    /** PlatformControl: the guest asked for a reset; jkvm ends as QEMU does under -no-reboot. */
    @Override
    public void reset() {
        requestStop(VmStop.GuestExit.reset());
    }

    /** Records why the machine stops (the first reason wins) and kicks every vCPU out of the guest. */
    public void requestStop(VmStop reason) {
        if (stop.compareAndSet(null, reason)) {
            stopping = true;
            for (Vcpu vcpu : vcpus) {
                vcpu.kick();
            }
            stopped.countDown();
        }
    }

    /** Asks the machine to stop from the host side. */
    public void stop() {
        requestStop(new VmStop.HostRequest());
    }

    public VmStop awaitStop() throws InterruptedException {
        stopped.await();
        return stop.get();
    }

    public Optional<VmStop> awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS) ? Optional.of(stop.get()) : Optional.empty();
    }

    public Optional<VmStop> stopReason() {
        return Optional.ofNullable(stop.get());
    }

    /**
     * Stops the vCPUs, joins their threads, and releases every fd, mapping and thread the machine holds, newest first:
     * PCI (device threads stopped, images unlocked, taps closed, so a tap jkvm created disappears) before the guest
     * RAM those threads wrote into.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        requestStop(new VmStop.HostRequest());
        for (Thread thread : threads) {
            try {
                if (!thread.join(JOIN_TIMEOUT)) {
                    // The thread may still be inside KVM_RUN: unmapping its memory now could crash the JVM.
                    throw new VmmException(thread.getName() + " did not leave KVM_RUN within " + JOIN_TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new VmmException("interrupted while joining " + thread.getName());
            }
        }
        RuntimeException failure = null;
        if (inputPump != null) {
            try {
                inputPump.close();
            } catch (java.io.IOException e) {
                failure = new VmmException("stopping the serial input: " + e.getMessage(), e);
            }
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new VmmException("closing " + resources.get(i) + ": " + e.getMessage(), e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
