package dev.jkvm.devices.pci.msi;

/** What an MSI or MSI-X vector writes to signal: a 64-bit address and 32-bit data, as the guest programmed them. */
public record MsiMessage(long address, int data) {
}
