package dev.jkvm.devices.block;

/** How an image file is opened, named as QEMU's {@code -drive cache=} values. */
public enum CacheMode {
    /** The host page cache holds writes until the guest flushes (fdatasync): QEMU's default. */
    WRITEBACK("writeback"),
    /** O_DIRECT: the host page cache is bypassed; the guest's flush still ends in fdatasync. */
    NONE("none");

    private final String qemuName;

    CacheMode(String qemuName) {
        this.qemuName = qemuName;
    }

    public String qemuName() {
        return qemuName;
    }

    /** The mode QEMU calls {@code name}, or an IllegalArgumentException naming the accepted values. */
    public static CacheMode fromQemuName(String name) {
        for (CacheMode mode : values()) {
            if (mode.qemuName.equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("cache=" + name + ": jkvm supports cache=writeback and cache=none");
    }
}
