package dev.jkvm.testos;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a test OS run ends, and the process exit status QEMU reports for it. jkvm maps the same guest actions to the
 * same statuses, which is what makes the two comparable.
 */
public enum TestOsExit {
    /** Clean ACPI power-off (PM1a_CNT at port 0x604 written with 0x2000, S5): the demo and the benches. */
    POWER_OFF(0),
    /** {@code 0} written to isa-debug-exit at port 0xf4; QEMU exits with {@code (0 << 1) | 1}. */
    PASS(1),
    /** {@code 1} written to isa-debug-exit at port 0xf4; QEMU exits with {@code (1 << 1) | 1}. */
    FAIL(3);

    private final int qemuStatus;

    TestOsExit(int qemuStatus) {
        this.qemuStatus = qemuStatus;
    }

    /** The exit status of the QEMU process. */
    public int qemuStatus() {
        return qemuStatus;
    }

    /** The ending a QEMU exit status stands for, if it is one of the three. */
    public static Optional<TestOsExit> fromQemuStatus(int status) {
        return Arrays.stream(values()).filter(e -> e.qemuStatus == status).findFirst();
    }
}
