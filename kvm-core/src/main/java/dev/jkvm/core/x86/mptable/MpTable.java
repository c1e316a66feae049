package dev.jkvm.core.x86.mptable;

/** The MP floating pointer and configuration table as bytes, with the guest-physical address each goes to. */
public record MpTable(long floatingPointerAddress, byte[] floatingPointer, long configTableAddress,
                      byte[] configTable) {
    public MpTable {
        floatingPointer = floatingPointer.clone();
        configTable = configTable.clone();
    }

    @Override
    public byte[] floatingPointer() {
        return floatingPointer.clone();
    }

    @Override
    public byte[] configTable() {
        return configTable.clone();
    }
}
