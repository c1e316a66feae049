package dev.jkvm.core.x86.cpu;

import dev.jkvm.core.x86.CpuidEntry;

/** One of the four output registers of CPUID. */
public enum CpuidRegister {
    EAX, EBX, ECX, EDX;

    public int of(CpuidEntry entry) {
        return switch (this) {
            case EAX -> entry.eax();
            case EBX -> entry.ebx();
            case ECX -> entry.ecx();
            case EDX -> entry.edx();
        };
    }

    /** Entry {@code e} with this register replaced by {@code value}. */
    public CpuidEntry with(CpuidEntry e, int value) {
        return new CpuidEntry(e.function(), e.index(), e.flags(),
                this == EAX ? value : e.eax(), this == EBX ? value : e.ebx(),
                this == ECX ? value : e.ecx(), this == EDX ? value : e.edx());
    }
}
