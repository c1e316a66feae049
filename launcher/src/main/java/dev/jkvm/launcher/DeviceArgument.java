package dev.jkvm.launcher;

import dev.jkvm.core.machine.MachineConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/** QEMU's {@code -device DRIVER,PROP=VALUE,…} for the devices jkvm has. */
final class DeviceArgument {
    /** QEMU's default isa-debug-exit I/O base. */
    private static final int DEBUG_EXIT_DEFAULT_BASE = 0x501;
    /** QEMU's default isa-debug-exit I/O size. */
    private static final int DEBUG_EXIT_DEFAULT_SIZE = 2;

    private DeviceArgument() {
    }

    static void apply(String text, MachineConfig.Builder builder) {
        String[] parts = text.split(",");
        String driver = parts[0];
        Map<String, String> props = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq < 0) {
                throw new UsageException("-device " + text + ": property '" + parts[i] + "' has no value");
            }
            props.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        switch (driver) {
            case "isa-debug-exit" -> {
                int base = number(text, props.remove("iobase"), DEBUG_EXIT_DEFAULT_BASE);
                int size = number(text, props.remove("iosize"), DEBUG_EXIT_DEFAULT_SIZE);
                if (base < 0 || size < 1 || base + size > 0x10000) {
                    throw new UsageException("-device " + text + ": I/O range outside 0..0xffff");
                }
                builder.debugExit(new MachineConfig.DebugExitPort(base, size));
            }
            default -> throw new UsageException("-device " + driver + ": unknown device (jkvm has: isa-debug-exit)");
        }
        if (!props.isEmpty()) {
            throw new UsageException("-device " + text + ": unknown propert" + (props.size() == 1 ? "y " : "ies ")
                    + String.join(", ", props.keySet()));
        }
    }

    private static int number(String text, String value, int fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return value.startsWith("0x") || value.startsWith("0X")
                    ? Integer.parseInt(value.substring(2), 16) : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("-device " + text + ": '" + value + "' is not a number");
        }
    }
}
