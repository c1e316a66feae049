package dev.jkvm.devices.fwcfg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The items an fw_cfg device serves, by selector, immutable once built. The signature and the feature bitmap are
 * always there; named files get selectors from {@link FwCfgKey#FILE_FIRST} on in name order (byte-wise, as
 * QEMU sorts them) and are listed in the {@link FwCfgKey#FILE_DIR} item.
 */
public final class FwCfgItems {
    /** The signature item's content. */
    public static final String SIGNATURE = "QEMU";
    /** QEMU's default number of file slots on PC machines: selectors 0x20..0x3f. */
    public static final int MAX_FILES = 0x20;

    private final Map<Integer, byte[]> items;
    private final List<FwCfgFile> files;

    private FwCfgItems(Map<Integer, byte[]> items, List<FwCfgFile> files) {
        this.items = Map.copyOf(items);
        this.files = List.copyOf(files);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The content of the item {@code selector} names (the write-channel bit ignored), if there is one. */
    public Optional<byte[]> item(int selector) {
        return Optional.ofNullable(items.get(FwCfgKey.item(selector))).map(byte[]::clone);
    }

    /** The file directory, in selector order. */
    public List<FwCfgFile> files() {
        return files;
    }

    /** Item bytes without a copy, for the device; callers must not modify them. */
    byte[] raw(int selector) {
        return items.get(FwCfgKey.item(selector));
    }

    /** Collects items; the last value given for a key wins. */
    public static final class Builder {
        private final Map<Integer, byte[]> items = new HashMap<>();
        private final Map<String, byte[]> files = new LinkedHashMap<>();
        private boolean dma = true;

        private Builder() {
        }

        /** Whether FW_CFG_ID advertises the DMA interface (default yes). */
        public Builder dma(boolean enabled) {
            this.dma = enabled;
            return this;
        }

        public Builder bytes(int key, byte[] data) {
            checkKey(key);
            items.put(key, data.clone());
            return this;
        }

        public Builder u16(int key, int value) {
            return bytes(key, ByteBuffer.allocate(Short.BYTES).order(ByteOrder.LITTLE_ENDIAN).putShort((short) value).array());
        }

        public Builder u32(int key, long value) {
            return bytes(key, ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value).array());
        }

        public Builder u64(int key, long value) {
            return bytes(key, ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
        }

        /** A string item the way QEMU stores one: ASCII with its terminating NUL. */
        public Builder string(int key, String value) {
            byte[] ascii = value.getBytes(StandardCharsets.US_ASCII);
            return bytes(key, Arrays.copyOf(ascii, ascii.length + 1));
        }

        /** A named file, served at a selector from 0x20 on and listed in the directory. */
        public Builder file(String name, byte[] data) {
            new FwCfgFile(name, FwCfgKey.FILE_FIRST, data.length); // validates the name
            files.put(name, data.clone());
            return this;
        }

        public FwCfgItems build() {
            if (files.size() > MAX_FILES) {
                throw new IllegalArgumentException("fw_cfg: " + files.size() + " files, but there are only "
                        + MAX_FILES + " file slots");
            }
            Map<Integer, byte[]> all = new HashMap<>(items);
            all.put(FwCfgKey.SIGNATURE, SIGNATURE.getBytes(StandardCharsets.US_ASCII));
            ByteBuffer id = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            id.putInt(FwCfgKey.ID_TRADITIONAL | (dma ? FwCfgKey.ID_DMA : 0));
            all.put(FwCfgKey.ID, id.array());

            List<String> names = new ArrayList<>(files.keySet());
            names.sort(Comparator.comparing(n -> n.getBytes(StandardCharsets.US_ASCII), Arrays::compareUnsigned));
            List<FwCfgFile> directory = new ArrayList<>();
            ByteBuffer dir = ByteBuffer.allocate(Integer.BYTES + names.size() * FwCfgFile.ENTRY_SIZE)
                    .order(ByteOrder.BIG_ENDIAN);
            dir.putInt(names.size());
            for (int i = 0; i < names.size(); i++) {
                byte[] data = files.get(names.get(i));
                FwCfgFile file = new FwCfgFile(names.get(i), FwCfgKey.FILE_FIRST + i, data.length);
                file.writeTo(dir);
                directory.add(file);
                all.put(file.select(), data);
            }
            all.put(FwCfgKey.FILE_DIR, dir.array());
            return new FwCfgItems(all, directory);
        }

        private static void checkKey(int key) {
            if (key != FwCfgKey.item(key) || key < 0 || key > 0xFFFF) {
                throw new IllegalArgumentException("fw_cfg key 0x" + Integer.toHexString(key)
                        + ": not an item selector (bit 14 is the write channel)");
            }
            int entry = key & FwCfgKey.ENTRY_MASK;
            boolean generic = (key & FwCfgKey.ARCH_LOCAL) == 0;
            if (generic && (entry == FwCfgKey.SIGNATURE || entry == FwCfgKey.ID || entry == FwCfgKey.FILE_DIR
                    || entry >= FwCfgKey.FILE_FIRST)) {
                throw new IllegalArgumentException("fw_cfg key 0x" + Integer.toHexString(key)
                        + ": the device fills it itself (signature, ID, file directory, files)");
            }
        }
    }
}
