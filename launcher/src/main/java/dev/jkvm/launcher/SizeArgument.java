package dev.jkvm.launcher;

import java.util.Locale;

/** QEMU's size syntax for -m: a number of MiB, or a number with a K/M/G/T suffix, optionally as "size=…". */
final class SizeArgument {
    private SizeArgument() {
    }

    static long parseMemory(String text) {
        String value = text.trim();
        if (value.startsWith("size=")) {
            value = value.substring("size=".length());
        }
        int comma = value.indexOf(',');
        if (comma >= 0) {
            value = value.substring(0, comma);
        }
        if (value.isEmpty()) {
            throw new UsageException("-m " + text + ": missing size");
        }
        char last = Character.toUpperCase(value.charAt(value.length() - 1));
        int shift = switch (last) {
            case 'B' -> 0;
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> -1;
        };
        String digits = shift < 0 ? value : value.substring(0, value.length() - 1);
        if (shift < 0) {
            shift = 20; // a bare number means MiB, as in QEMU
        }
        double amount;
        try {
            amount = Double.parseDouble(digits);
        } catch (NumberFormatException e) {
            throw new UsageException("-m " + text + ": not a size (expected e.g. 512, 512M, 2G)");
        }
        if (!(amount > 0) || Double.isInfinite(amount)) {
            throw new UsageException("-m " + text + ": RAM size must be greater than zero");
        }
        double bytes = amount * Math.pow(2, shift);
        if (bytes >= 0x1p63) {
            throw new UsageException("-m " + text + ": RAM size is too large");
        }
        long rounded = (long) bytes;
        long page = 4096;
        if (rounded < page) {
            throw new UsageException("-m " + text + ": RAM size must be at least 4 KiB");
        }
        return rounded / page * page;
    }

    static String describe(long bytes) {
        return String.format(Locale.ROOT, "%d MiB", bytes >> 20);
    }
}
