package dev.jkvm.devices.pci;

/**
 * Where the VMM learns what a function decodes: a BAR becomes visible at an address when the guest programs it
 * and enables the matching command-register bit, and stops being visible when either changes. Calls come from
 * the vCPU thread doing the config write; they are idempotent for an unchanged address.
 */
public interface PciBarMapper {
    /** {@code bar} now decodes [{@code address}, {@code address + bar.size()}). */
    void map(PciBar bar, long address);

    /** {@code bar} no longer decodes anything. */
    void unmap(PciBar bar);
}
