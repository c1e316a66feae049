package dev.jkvm.launcher.linux;

import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The members of a "newc" cpio archive, the format Linux unpacks as an initramfs, as read by commons-compress:
 * enough to check what the build script put in.
 *
 * @param entries the entries in archive order, without the trailer
 */
record NewcArchive(List<Entry> entries) {
    /** File type bits of st_mode. */
    static final int S_IFMT = 0170000;
    /** st_mode type of a regular file. */
    static final int S_IFREG = 0100000;
    /** st_mode type of a directory. */
    static final int S_IFDIR = 0040000;
    /** st_mode type of a character device. */
    static final int S_IFCHR = 0020000;
    /** Permission bits of st_mode. */
    static final int PERMISSIONS = 07777;

    NewcArchive {
        entries = List.copyOf(entries);
    }

    /** One archive member; {@code data} is a private copy of the file contents (empty for non-files). */
    record Entry(String name, int mode, int uid, int gid, long mtime, int rdevMajor, int rdevMinor, byte[] data) {
        int type() {
            return mode & S_IFMT;
        }

        int permissions() {
            return mode & PERMISSIONS;
        }

        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** Parses an uncompressed newc archive; malformed input is an {@link IllegalArgumentException}. */
    static NewcArchive parse(byte[] archive) {
        List<Entry> entries = new ArrayList<>();
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new ByteArrayInputStream(archive))) {
            for (CpioArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getFormat() != CpioConstants.FORMAT_NEW) {
                    throw new IllegalArgumentException("cpio: entry " + e.getName() + " is not in newc format");
                }
                entries.add(new Entry(e.getName(), (int) e.getMode(), (int) e.getUID(), (int) e.getGID(),
                        e.getTime() / 1000, (int) e.getRemoteDeviceMaj(), (int) e.getRemoteDeviceMin(),
                        in.readAllBytes()));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cpio: " + e.getMessage(), e);
        }
        return new NewcArchive(entries);
    }

    /** The entry named {@code name} ("init", "bin/busybox"), if present. */
    Optional<Entry> entry(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
