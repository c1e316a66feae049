package dev.jkvm.core;

import dev.jkvm.headers.Errno;
import dev.jkvm.headers.Libc;
import dev.jkvm.headers.kvm.KvmConstants;
import dev.jkvm.headers.kvm.KvmIoctls;
import dev.jkvm.headers.kvm.KvmRegs;
import dev.jkvm.headers.kvm.KvmRun;
import dev.jkvm.headers.kvm.KvmSegment;
import dev.jkvm.headers.kvm.KvmSregs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;

/**
 * A KVM vCPU fd and its mmapped kvm_run page. {@link #run} is meant for the one thread that owns this vCPU;
 * {@link #kick} may be called from any thread.
 */
public final class Vcpu implements AutoCloseable {
    /** kvm_run.internal.data[0] bit saying that insn_size and insn_bytes are filled in. */
    private static final long EMULATION_FLAG_INSTRUCTION_BYTES = 1;
    /** Byte offset of insn_size inside kvm_run.internal.data for an emulation failure. */
    private static final long INSN_SIZE_OFFSET = 8;
    /** Most instruction bytes KVM reports for an emulation failure. */
    private static final int MAX_INSN_BYTES = 15;
    /** Size of kvm_run.mmio.data. */
    private static final long MMIO_DATA_SIZE = 8;

    private static final VcpuExit INTERRUPTED = new VcpuExit.Interrupted();
    private static final VcpuExit HALT = new VcpuExit.Halt();
    private static final VcpuExit SHUTDOWN = new VcpuExit.Shutdown();

    private final Vm vm;
    private final int id;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment run;
    private final MemorySegment callState;
    private final Object threadLock = new Object();
    private long boundThread;
    private int kickSignal;
    private boolean closed;

    Vcpu(Vm vm, int id, int fd) {
        this.vm = vm;
        this.id = id;
        this.fd = fd;
        try {
            long size = vm.kvm().vcpuMmapSize();
            MemorySegment raw = Libc.mmap(0, size, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0);
            long address = raw.address();
            this.run = raw.reinterpret(size, arena,
                    unused -> Libc.munmap(MemorySegment.ofAddress(address).reinterpret(size)));
            this.callState = Libc.allocateCallState(arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public int id() {
        return id;
    }

    public int fd() {
        return fd;
    }

    public Vm vm() {
        return vm;
    }

    /** The shared kvm_run structure. */
    public MemorySegment runData() {
        return run;
    }

    /** Enters the guest once and decodes why it came back. */
    public VcpuExit run() {
        int result = Libc.ioctlNoThrow(fd, KvmIoctls.KVM_RUN.request(), 0, callState);
        if (result < 0) {
            int errno = -result;
            if (errno == Errno.EINTR || errno == Errno.EAGAIN) {
                return INTERRUPTED;
            }
            throw new VmmException("vcpu-" + id + ": KVM_RUN failed: " + Errno.name(errno) + " ("
                    + Errno.description(errno) + ")");
        }
        int reason = (int) KvmRun.EXIT_REASON.get(run, 0L);
        return switch (reason) {
            case KvmConstants.KVM_EXIT_IO -> {
                int size = Byte.toUnsignedInt((byte) KvmRun.IO_SIZE.get(run, 0L));
                int count = (int) KvmRun.IO_COUNT.get(run, 0L);
                long offset = Integer.toUnsignedLong((int) (long) KvmRun.IO_DATA_OFFSET.get(run, 0L));
                yield new VcpuExit.Io(
                        (byte) KvmRun.IO_DIRECTION.get(run, 0L) == KvmConstants.KVM_EXIT_IO_IN,
                        Short.toUnsignedInt((short) KvmRun.IO_PORT.get(run, 0L)),
                        size, count, run.asSlice(offset, (long) size * count));
            }
            case KvmConstants.KVM_EXIT_MMIO -> new VcpuExit.Mmio(
                    (long) KvmRun.MMIO_PHYS_ADDR.get(run, 0L),
                    (int) KvmRun.MMIO_LEN.get(run, 0L),
                    (byte) KvmRun.MMIO_IS_WRITE.get(run, 0L) != 0,
                    run.asSlice(KvmRun.OFFSET_MMIO_DATA, MMIO_DATA_SIZE));
            case KvmConstants.KVM_EXIT_INTR -> INTERRUPTED;
            case KvmConstants.KVM_EXIT_HLT -> HALT;
            case KvmConstants.KVM_EXIT_SHUTDOWN -> SHUTDOWN;
            case KvmConstants.KVM_EXIT_SYSTEM_EVENT -> new VcpuExit.SystemEvent((int) KvmRun.SYSTEM_EVENT_TYPE.get(run, 0L));
            case KvmConstants.KVM_EXIT_INTERNAL_ERROR -> {
                int ndata = Math.min((int) KvmRun.INTERNAL_NDATA.get(run, 0L), 16);
                long[] data = run.asSlice(KvmRun.OFFSET_INTERNAL_DATA, 16L * Long.BYTES)
                        .toArray(ValueLayout.JAVA_LONG);
                yield new VcpuExit.InternalError((int) KvmRun.INTERNAL_SUBERROR.get(run, 0L),
                        java.util.Arrays.copyOf(data, ndata));
            }
            case KvmConstants.KVM_EXIT_FAIL_ENTRY -> new VcpuExit.FailEntry(
                    (long) KvmRun.FAIL_ENTRY_HARDWARE_ENTRY_FAILURE_REASON.get(run, 0L),
                    (int) KvmRun.FAIL_ENTRY_CPU.get(run, 0L));
            default -> new VcpuExit.Unhandled(reason);
        };
    }

    /** Records the calling thread as the one running this vCPU, so {@link #kick} can signal it. */
    public void bindCurrentThread(int signal) {
        synchronized (threadLock) {
            boundThread = Libc.pthreadSelf();
            kickSignal = signal;
        }
    }

    /** Forgets the bound thread; call from that thread before it ends, so no signal targets a dead thread. */
    public void unbindCurrentThread() {
        synchronized (threadLock) {
            boundThread = 0;
        }
    }

    /**
     * Makes the owning thread leave KVM_RUN soon: immediate_exit covers the window before it enters the guest,
     * the signal interrupts a guest that is running or halted in the kernel.
     */
    public void kick() {
        KvmRun.IMMEDIATE_EXIT.set(run, 0L, (byte) 1);
        synchronized (threadLock) {
            if (boundThread != 0) {
                Libc.pthreadKill(boundThread, kickSignal);
            }
        }
    }

    public void clearImmediateExit() {
        KvmRun.IMMEDIATE_EXIT.set(run, 0L, (byte) 0);
    }

    public void getRegs(MemorySegment regs) {
        Libc.ioctl(fd, KvmIoctls.KVM_GET_REGS, regs);
    }

    public void setRegs(MemorySegment regs) {
        Libc.ioctl(fd, KvmIoctls.KVM_SET_REGS, regs);
    }

    public void getSregs(MemorySegment sregs) {
        Libc.ioctl(fd, KvmIoctls.KVM_GET_SREGS, sregs);
    }

    public void setSregs(MemorySegment sregs) {
        Libc.ioctl(fd, KvmIoctls.KVM_SET_SREGS, sregs);
    }

    public void setFpu(MemorySegment fpu) {
        Libc.ioctl(fd, KvmIoctls.KVM_SET_FPU, fpu);
    }

    public void setCpuid(MemorySegment cpuid2) {
        Libc.ioctl(fd, KvmIoctls.KVM_SET_CPUID2, cpuid2);
    }

    /** KVM_SET_MSRS; fails unless KVM accepted every entry. */
    public void setMsrs(MemorySegment msrs, int count) {
        int accepted = Libc.ioctl(fd, KvmIoctls.KVM_SET_MSRS, msrs);
        if (accepted != count) {
            throw new VmmException("vcpu-" + id + ": KVM_SET_MSRS accepted " + accepted + " of " + count + " MSRs");
        }
    }

    /** A one-line summary of the registers, for reports of a vCPU that failed. */
    public String describeState() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment regs = a.allocate(KvmRegs.LAYOUT);
            MemorySegment sregs = a.allocate(KvmSregs.LAYOUT);
            getRegs(regs);
            getSregs(sregs);
            MemorySegment cs = sregs.asSlice(KvmSregs.OFFSET_CS, KvmSegment.LAYOUT);
            return String.format(
                    "RIP=%016x RSP=%016x RFLAGS=%08x RAX=%016x RBX=%016x RCX=%016x RDX=%016x "
                            + "CS=%04x(base %x, dpl %d, l %d) CR0=%x CR3=%x CR4=%x EFER=%x",
                    (long) KvmRegs.RIP.get(regs, 0L), (long) KvmRegs.RSP.get(regs, 0L),
                    (long) KvmRegs.RFLAGS.get(regs, 0L), (long) KvmRegs.RAX.get(regs, 0L),
                    (long) KvmRegs.RBX.get(regs, 0L), (long) KvmRegs.RCX.get(regs, 0L),
                    (long) KvmRegs.RDX.get(regs, 0L),
                    (short) KvmSegment.SELECTOR.get(cs, 0L), (long) KvmSegment.BASE.get(cs, 0L),
                    (byte) KvmSegment.DPL.get(cs, 0L), (byte) KvmSegment.L.get(cs, 0L),
                    (long) KvmSregs.CR0.get(sregs, 0L), (long) KvmSregs.CR3.get(sregs, 0L),
                    (long) KvmSregs.CR4.get(sregs, 0L), (long) KvmSregs.EFER.get(sregs, 0L));
        } catch (RuntimeException e) {
            return "(registers unavailable: " + e.getMessage() + ")";
        }
    }

    /** Explains an internal-error exit, with the instruction bytes when KVM reports them. */
    public String describeInternalError(VcpuExit.InternalError error) {
        StringBuilder text = new StringBuilder();
        if (error.suberror() == KvmConstants.KVM_INTERNAL_ERROR_EMULATION) {
            text.append("KVM could not emulate an instruction (internal error, suberror 1 = emulation failure)");
            long[] data = error.data();
            if (data.length >= 2 && (data[0] & EMULATION_FLAG_INSTRUCTION_BYTES) != 0) {
                MemorySegment raw = run.asSlice(KvmRun.OFFSET_INTERNAL_DATA, 16L * Long.BYTES);
                int size = Math.min(Byte.toUnsignedInt(raw.get(ValueLayout.JAVA_BYTE, INSN_SIZE_OFFSET)), MAX_INSN_BYTES);
                byte[] bytes = raw.asSlice(INSN_SIZE_OFFSET + 1, size).toArray(ValueLayout.JAVA_BYTE);
                text.append(", instruction bytes: ").append(HexFormat.ofDelimiter(" ").formatHex(bytes));
            } else {
                text.append(", instruction bytes not reported by KVM");
            }
        } else {
            text.append("KVM internal error, suberror ").append(error.suberror());
            if (error.data().length > 0) {
                text.append(", data:");
                for (long d : error.data()) {
                    text.append(String.format(" %x", d));
                }
            }
        }
        return text.toString();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
            Libc.close(fd);
        }
    }
}
