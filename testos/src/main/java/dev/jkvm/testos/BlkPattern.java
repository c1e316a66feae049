package dev.jkvm.testos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the test OS's {@code test=blk} and {@code test=blk-crash} leave on a virtio-blk drive, so a host test can check
 * the image file byte for byte after the VMM (QEMU or jkvm) has exited. The C side is {@code blk_tests.h}; the formula
 * and the ranges are documented in testos/README.md, "Block tests".
 *
 * <p>Every written sector holds 64 little-endian 64-bit words; word {@code k} of sector {@code s} on drive {@code d}
 * (the d-th virtio-blk function in bus-0 slot order, from 0) is
 * {@code ((s * 64 + k) * INDEX_MULTIPLIER) ^ ((d + 1) * DRIVE_MULTIPLIER)}, modulo 2<sup>64</sup>.
 */
public final class BlkPattern {

    /** Bytes of a virtio-blk sector. */
    public static final int SECTOR_SIZE = 512;

    /** 64-bit words per sector. */
    private static final int WORDS_PER_SECTOR = SECTOR_SIZE / Long.BYTES;

    /** Multiplier of the word index in the pattern (the 64-bit golden ratio). */
    public static final long INDEX_MULTIPLIER = 0x9e3779b97f4a7c15L;

    /** Multiplier of drive index + 1 in the pattern. */
    public static final long DRIVE_MULTIPLIER = 0xd1b54a32d192ed03L;

    /** The first MiB of every drive holds the pattern: sectors [0, HEAD_SECTORS). */
    public static final long HEAD_SECTORS = 2048;

    /** Sectors of each scattered extent test=blk writes, at capacity/4, capacity/2 + 3 and capacity - 8. */
    public static final long EXTENT_SECTORS = 8;

    /** What the middle extent's start adds to capacity/2, so one extent is not 4 KiB aligned. */
    public static final long EXTENT_MIDDLE_SKEW = 3;

    /** Sectors test=blk discards (the VMM must punch a hole: they read as zero afterwards). */
    public static final SectorRange DISCARDED = new SectorRange(256, 256);

    /** Sectors test=blk overwrites with WRITE_ZEROES. */
    public static final SectorRange ZEROED = new SectorRange(1024, 128);

    /** Smallest drive test=blk accepts, in sectors. */
    public static final long MIN_CAPACITY = 8192;

    /** Byte {@link #createImage} fills images with, so sectors the guest never touched are recognisable. */
    public static final byte FILLER = (byte) 0xe5;

    /** Mismatching sectors a verification lists before it only counts. */
    private static final int PROBLEMS_LISTED = 10;

    /** Bytes read from an image at a time. */
    private static final int CHUNK_BYTES = 1 << 20;

    private BlkPattern() {
    }

    /** A run of sectors: {@code count} from {@code first}. */
    public record SectorRange(long first, long count) {
        public SectorRange {
            if (first < 0 || count <= 0) {
                throw new IllegalArgumentException("bad sector range " + first + "+" + count);
            }
        }

        public boolean contains(long sector) {
            return sector >= first && sector < first + count;
        }
    }

    /** What a sector of an image must hold after a run. */
    public enum Content { PATTERN, ZERO, FILLER }

    /** Which test wrote the image. */
    public enum Run {
        /** test=blk: head, extents, then discard and write-zeroes. */
        BLK,
        /** test=blk-crash: the head of drive 0, flushed, then the VMM is killed. */
        BLK_CRASH,
        /** Nothing written (the read-only benches): every sector still holds FILLER. */
        UNTOUCHED
    }

    /** Word {@code word} (0..63) of sector {@code sector} of drive {@code drive}. */
    public static long word(int drive, long sector, int word) {
        return (sector * WORDS_PER_SECTOR + word) * INDEX_MULTIPLIER ^ (drive + 1L) * DRIVE_MULTIPLIER;
    }

    /** The pattern sector {@code sector} of drive {@code drive} holds. */
    public static byte[] sector(int drive, long sector) {
        ByteBuffer buffer = ByteBuffer.allocate(SECTOR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < WORDS_PER_SECTOR; k++) {
            buffer.putLong(word(drive, sector, k));
        }
        return buffer.array();
    }

    /** The scattered extents test=blk writes on a drive of {@code capacity} sectors. */
    public static List<SectorRange> extents(long capacity) {
        return List.of(new SectorRange(capacity / 4, EXTENT_SECTORS),
                new SectorRange(capacity / 2 + EXTENT_MIDDLE_SKEW, EXTENT_SECTORS),
                new SectorRange(capacity - EXTENT_SECTORS, EXTENT_SECTORS));
    }

    /** What sector {@code sector} of a drive of {@code capacity} sectors holds after {@code run}. */
    public static Content expected(Run run, long capacity, long sector) {
        if (run == Run.UNTOUCHED) {
            return Content.FILLER;
        }
        if (run == Run.BLK && (DISCARDED.contains(sector) || ZEROED.contains(sector))) {
            return Content.ZERO;
        }
        if (sector < HEAD_SECTORS) {
            return Content.PATTERN;
        }
        if (run == Run.BLK && extents(capacity).stream().anyMatch(e -> e.contains(sector))) {
            return Content.PATTERN;
        }
        return Content.FILLER;
    }

    /** Creates (or replaces) a raw image of {@code bytes} bytes, a multiple of the sector size, filled with FILLER. */
    public static Path createImage(Path file, long bytes) {
        if (bytes <= 0 || bytes % SECTOR_SIZE != 0) {
            throw new IllegalArgumentException("image size " + bytes + " is not a positive multiple of " + SECTOR_SIZE);
        }
        byte[] chunk = new byte[CHUNK_BYTES];
        Arrays.fill(chunk, FILLER);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long at = 0; at < bytes; at += chunk.length) {
                ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, bytes - at));
                while (buffer.hasRemaining()) {
                    channel.write(buffer, at + buffer.position());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("creating image " + file + " of " + bytes + " bytes", e);
        }
        return file;
    }

    /**
     * Checks every sector of {@code image} (drive {@code drive}, created by {@link #createImage}) against what
     * {@code run} leaves. Returns the problems, empty when the image is right: the first few mismatching sectors with
     * what they hold, then a count.
     */
    public static List<String> verify(Path image, int drive, Run run) {
        List<String> problems = new ArrayList<>();
        long mismatches = 0;
        byte[] zero = new byte[SECTOR_SIZE];
        byte[] filler = new byte[SECTOR_SIZE];
        Arrays.fill(filler, FILLER);
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size % SECTOR_SIZE != 0) {
                return List.of(image + ": size " + size + " is not a multiple of " + SECTOR_SIZE);
            }
            long capacity = size / SECTOR_SIZE;
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
            byte[] actual = new byte[SECTOR_SIZE];
            for (long base = 0; base < size; base += CHUNK_BYTES) {
                chunk.clear();
                chunk.limit((int) Math.min(CHUNK_BYTES, size - base));
                while (chunk.hasRemaining()) {
                    if (channel.read(chunk, base + chunk.position()) < 0) {
                        throw new IOException("unexpected end of file at " + (base + chunk.position()));
                    }
                }
                chunk.flip();
                for (long sector = base / SECTOR_SIZE; chunk.hasRemaining(); sector++) {
                    chunk.get(actual);
                    Content content = expected(run, capacity, sector);
                    byte[] wanted = switch (content) {
                        case PATTERN -> sector(drive, sector);
                        case ZERO -> zero;
                        case FILLER -> filler;
                    };
                    if (!Arrays.equals(actual, wanted)) {
                        mismatches++;
                        if (problems.size() < PROBLEMS_LISTED) {
                            problems.add("sector " + sector + " should hold " + content + " but starts with "
                                    + hex(actual) + " (" + describe(actual, drive, sector) + ")");
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading image " + image, e);
        }
        if (mismatches > problems.size()) {
            problems.add((mismatches - problems.size()) + " more mismatching sectors");
        }
        return problems.stream().map(p -> image.getFileName() + " (drive " + drive + ", " + run + "): " + p)
                .toList();
    }

    private static String describe(byte[] actual, int drive, long sector) {
        if (Arrays.equals(actual, sector(drive, sector))) {
            return "the pattern";
        }
        byte first = actual[0];
        for (byte b : actual) {
            if (b != first) {
                return "mixed bytes";
            }
        }
        return first == 0 ? "all zero" : first == FILLER ? "all filler" : String.format("all 0x%02x", first);
    }

    private static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            text.append(String.format("%02x", bytes[i]));
        }
        return text.append("...").toString();
    }
}
