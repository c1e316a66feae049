package dev.jkvm.devices.block;

/**
 * QEMU's block permissions (include/block/block-common.h, {@code BLK_PERM_*}) in bit order: the bit is the offset
 * of the permission's byte in the image lock ranges, and the name is the one QEMU's lock errors print.
 */
public enum BlockPermission {
    /** Reads return what was last written: bit 0. */
    CONSISTENT_READ("consistent read"),
    /** May change the image's contents: bit 1. */
    WRITE("write"),
    /** May write only data that is already there (e.g. a mirror's target): bit 2. */
    WRITE_UNCHANGED("write unchanged"),
    /** May change the image's size: bit 3. */
    RESIZE("resize"),
    /** May change the block graph above the node; QEMU 6.1 dropped it and never locks its bytes: bit 4. */
    GRAPH_MOD("change children");

    private final String qemuName;

    BlockPermission(String qemuName) {
        this.qemuName = qemuName;
    }

    /** The bit number, which is also the byte's offset from each lock range's base. */
    public int bit() {
        return ordinal();
    }

    /** The name QEMU's lock error messages use, e.g. {@code "write"}. */
    public String qemuName() {
        return qemuName;
    }
}
