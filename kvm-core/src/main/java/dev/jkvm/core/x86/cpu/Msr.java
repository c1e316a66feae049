package dev.jkvm.core.x86.cpu;

/** A model-specific register and a value for it, as one kvm_msr_entry carries them. */
public record Msr(int index, long value) {
    @Override
    public String toString() {
        return String.format("MSR 0x%x = 0x%x", index, value);
    }
}
