package dev.jkvm.launcher;

import dev.jkvm.core.machine.Drive;
import dev.jkvm.devices.block.CacheMode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One {@code -drive file=PATH[,format=raw][,if=virtio|none][,id=ID][,readonly=on|off][,cache=none|writeback]
 * [,serial=S]}, checked but not yet opened: kvm-core opens and locks the file when the machine is built.
 *
 * @param text the option as given, for messages
 * @param id QEMU's {@code id=}, or {@code drive<N>} for the N-th -drive (from 0) when none is given
 * @param file the raw image
 * @param attachment whether the drive gets its own virtio-blk device or waits for a {@code -device}
 * @param readOnly {@code readonly=on}
 * @param cache {@code cache=}, QEMU's default writeback when absent
 * @param serial the serial {@code serial=} gives, if any
 */
record DriveArgument(String text, String id, Path file, DriveInterface attachment, boolean readOnly, CacheMode cache,
                     Optional<String> serial) {
    /** The flag this parses, for messages. */
    static final String OPTION = "-drive";
    /** The only image format jkvm reads. */
    static final String RAW_FORMAT = "raw";
    /** Prefix of the ids given to drives without {@code id=}. */
    static final String DEFAULT_ID_PREFIX = "drive";
    /** QEMU's identifier rule for {@code id=}: a letter, then letters, digits, '-', '.', '_'. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");

    /** Parses the {@code index}-th (from 0) {@code -drive} option. */
    static DriveArgument parse(int index, String text) {
        OptionList list = OptionList.parse(OPTION, text, null);
        Optional<String> file = list.take("file");
        Optional<String> format = list.take("format");
        Optional<String> attachment = list.take("if");
        Optional<String> id = list.take("id");
        boolean readOnly = list.takeBoolean("readonly", false);
        Optional<String> cache = list.take("cache");
        Optional<String> serial = list.take("serial");
        list.requireAllTaken();

        if (file.isEmpty() || file.get().isEmpty()) {
            throw list.error("file= is required (jkvm has no removable media)");
        }
        format.filter(name -> !name.equals(RAW_FORMAT)).ifPresent(name -> {
            throw list.error("format=" + name + ": jkvm supports only raw images");
        });
        if (id.isPresent() && !IDENTIFIER.matcher(id.get()).matches()) {
            throw list.error("id=" + id.get() + ": not an identifier (a letter, then letters, digits, '-', '.', '_')");
        }
        serial.ifPresent(value -> checkSerial(list, value));
        CacheMode mode;
        try {
            mode = cache.map(CacheMode::fromQemuName).orElse(CacheMode.WRITEBACK);
        } catch (IllegalArgumentException e) {
            throw list.error(e.getMessage());
        }
        return new DriveArgument(text, id.orElse(DEFAULT_ID_PREFIX + index), Path.of(file.get()),
                attachment.map(name -> DriveInterface.fromQemuName(name, list)).orElse(DriveInterface.VIRTIO),
                readOnly, mode, serial);
    }

    /** A serial virtio-blk can return whole: printable ASCII, at most VIRTIO_BLK_ID_BYTES. */
    static void checkSerial(OptionList list, String serial) {
        if (!serial.chars().allMatch(c -> c >= ' ' && c <= '~')) {
            throw list.error("serial=" + serial + ": only printable ASCII fits the virtio-blk ID");
        }
        if (serial.getBytes(StandardCharsets.US_ASCII).length > Drive.MAX_SERIAL_BYTES) {
            throw list.error("serial=" + serial + ": longer than the " + Drive.MAX_SERIAL_BYTES
                    + " bytes of the virtio-blk ID");
        }
    }

    /** The drive kvm-core attaches, with the serial of the device that attaches it when that device sets one. */
    Drive toDrive(Optional<String> deviceSerial) {
        return new Drive(id, file, readOnly, cache, deviceSerial.or(() -> serial).orElse(null));
    }
}
