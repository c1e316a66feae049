package dev.jkvm.core.x86.acpi;

/** A table jkvm writes into guest memory for the OS to find from the RSDP. */
public sealed interface AcpiTable permits Dsdt, Facs, Fadt, Madt, Mcfg, Rsdt, Xsdt {
    /** The four-character signature, e.g. "APIC" for the MADT. */
    String signature();

    /** The table as the guest sees it, length and checksum filled in. */
    byte[] toBytes();
}
