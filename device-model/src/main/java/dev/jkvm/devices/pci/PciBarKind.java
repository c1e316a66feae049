package dev.jkvm.devices.pci;

/** What address space a BAR decodes, and how wide its address register is. */
public enum PciBarKind {
    /** An I/O-space BAR (bit 0 set). */
    IO,
    /** A 32-bit memory BAR. */
    MEMORY32,
    /** A 64-bit memory BAR, taking two BAR registers. */
    MEMORY64
}
