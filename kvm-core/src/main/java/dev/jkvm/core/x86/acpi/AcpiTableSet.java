package dev.jkvm.core.x86.acpi;

import java.util.List;

/** Every ACPI table of a machine with the guest-physical address it goes to, and the RSDP that leads to them. */
public record AcpiTableSet(long rsdpAddress, byte[] rsdp, List<Placed> tables) {
    /** One table, its bytes, and where they go. */
    public record Placed(AcpiTable table, long address, byte[] bytes) {
        public long end() {
            return address + bytes.length;
        }
    }

    public AcpiTableSet {
        rsdp = rsdp.clone();
        tables = List.copyOf(tables);
    }

    @Override
    public byte[] rsdp() {
        return rsdp.clone();
    }

    /** The placed table with {@code signature}. */
    public Placed table(String signature) {
        return tables.stream().filter(t -> t.table().signature().equals(signature)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + signature + " table"));
    }
}
