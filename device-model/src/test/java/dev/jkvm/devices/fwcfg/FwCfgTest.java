package dev.jkvm.devices.fwcfg;

import dev.jkvm.devices.bus.BusDevice;
import dev.jkvm.devices.memory.TestRam;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The fw_cfg device driven the way firmware and guests drive it, through both interfaces. */
class FwCfgTest {
    /** Where the tests place FWCfgDmaAccess structures in their synthetic RAM. */
    private static final long REQUEST = 0x1000;
    /** Where DMA reads land. */
    private static final long BUFFER = 0x2000;
    /** The last port of the DMA address register. */
    private static final int DMA_LOW_BYTE = 7;
    private static final byte[] KERNEL = "kernel bytes".getBytes(StandardCharsets.US_ASCII);

    private final TestRam ram = TestRam.heap(0x10000);
    private final FwCfg device = new FwCfg(FwCfgItems.builder()
            .u64(FwCfgKey.RAM_SIZE, 128L << 20)
            .u16(FwCfgKey.NB_CPUS, 4)
            .bytes(FwCfgKey.KERNEL_DATA, KERNEL)
            .file("etc/e820", new byte[] {1, 2, 3})
            .file("bootorder", new byte[] {9})
            .build(), ram);

    private void select(int key) {
        device.ioPort().write(0, 2, key);
    }

    private byte[] readData(int count) {
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            out[i] = (byte) device.ioPort().read(FwCfg.DATA_OFFSET, 1);
        }
        return out;
    }

    /** Starts a transfer as a guest with a 32-bit request address does: one big-endian write of the low half. */
    private int dma(FwCfgDmaAccess access) {
        MemorySegment.copy(access.encode(), 0, ram.slice(REQUEST, FwCfgDmaAccess.SIZE), ValueLayout.JAVA_BYTE, 0,
                FwCfgDmaAccess.SIZE);
        device.dmaPort().write(FwCfg.DMA_LOW_OFFSET, 4, Integer.toUnsignedLong(Integer.reverseBytes((int) REQUEST)));
        return control(REQUEST);
    }

    private int control(long request) {
        return ram.slice(request, 4).get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0);
    }

    private byte[] guestBytes(long at, int count) {
        return ram.slice(at, count).toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void signatureThroughTheDataPortThenZerosPastTheEnd() {
        select(FwCfgKey.SIGNATURE);
        assertArrayEquals("QEMU\0\0".getBytes(StandardCharsets.US_ASCII), readData(6));
    }

    @Test
    void signatureIsSelectedAtReset() {
        assertArrayEquals("QEMU".getBytes(StandardCharsets.US_ASCII), readData(4));
    }

    @Test
    void byteReadOfTheSelectorPortReadsDataAsQemuDoes() {
        select(FwCfgKey.SIGNATURE);
        assertEquals('Q', device.ioPort().read(0, 1));
        assertEquals('E', device.ioPort().read(FwCfg.DATA_OFFSET, 1));
    }

    @Test
    void idAdvertisesTraditionalAndDmaInterfaces() {
        select(FwCfgKey.ID);
        assertArrayEquals(new byte[] {3, 0, 0, 0}, readData(4));
        FwCfg noDma = new FwCfg(FwCfgItems.builder().dma(false).build(), ram);
        noDma.ioPort().write(0, 2, FwCfgKey.ID);
        assertEquals(1, noDma.ioPort().read(FwCfg.DATA_OFFSET, 1));
    }

    @Test
    void integersAreLittleEndian() {
        select(FwCfgKey.RAM_SIZE);
        assertEquals(128L << 20, ByteBuffer.wrap(readData(8)).order(ByteOrder.LITTLE_ENDIAN).getLong());
        select(FwCfgKey.NB_CPUS);
        assertArrayEquals(new byte[] {4, 0}, readData(2));
    }

    @Test
    void selectingAgainRestartsAtOffsetZero() {
        select(FwCfgKey.KERNEL_DATA);
        readData(3);
        select(FwCfgKey.KERNEL_DATA);
        assertArrayEquals(Arrays.copyOf(KERNEL, 4), readData(4));
    }

    @Test
    void writeChannelBitSelectsTheSameItemAndDataWritesAreIgnored() {
        select(FwCfgKey.WRITE_CHANNEL | FwCfgKey.NB_CPUS);
        device.ioPort().write(FwCfg.DATA_OFFSET, 1, 0x55);
        assertArrayEquals(new byte[] {4, 0}, readData(2));
    }

    @Test
    void unknownAndArchItemsReadZeros() {
        select(FwCfgKey.MACHINE_ID);
        assertArrayEquals(new byte[4], readData(4));
        select(FwCfgKey.ARCH_LOCAL | 2);
        assertArrayEquals(new byte[4], readData(4));
    }

    @Test
    void refusedAccessWidthsReadZeroAndDoNothing() {
        select(FwCfgKey.SIGNATURE);
        assertEquals(0, device.ioPort().read(FwCfg.DATA_OFFSET, 2));
        assertEquals(0, device.ioPort().read(0, 4));
        device.ioPort().write(0, 4, FwCfgKey.NB_CPUS);
        device.ioPort().write(0, 1, FwCfgKey.NB_CPUS);
        assertArrayEquals("QEMU".getBytes(StandardCharsets.US_ASCII), readData(4));
    }

    @Test
    void fileDirectoryIsBigEndianSortedByNameFromSelector0x20() {
        select(FwCfgKey.FILE_DIR);
        ByteBuffer dir = ByteBuffer.wrap(readData(4 + 2 * FwCfgFile.ENTRY_SIZE)).order(ByteOrder.BIG_ENDIAN);
        assertEquals(2, dir.getInt());
        assertEquals(1, dir.getInt());
        assertEquals(0x20, dir.getShort());
        assertEquals(0, dir.getShort());
        byte[] name = new byte[FwCfgFile.NAME_SIZE];
        dir.get(name);
        assertArrayEquals(Arrays.copyOf("bootorder".getBytes(StandardCharsets.US_ASCII), FwCfgFile.NAME_SIZE), name);
        assertEquals(3, dir.getInt());
        assertEquals(0x21, dir.getShort());
        dir.getShort();
        dir.get(name);
        assertEquals("etc/e820", new String(name, StandardCharsets.US_ASCII).replace("\0", ""));
        assertEquals(List.of(new FwCfgFile("bootorder", 0x20, 1), new FwCfgFile("etc/e820", 0x21, 3)),
                device.items().files());
        select(0x21);
        assertArrayEquals(new byte[] {1, 2, 3, 0}, readData(4));
    }

    @Test
    void dmaRegisterReadsTheSignatureBigEndian() {
        long value = device.dmaPort().read(0, 8);
        assertEquals(FwCfg.DMA_SIGNATURE, Long.reverseBytes(value));
        byte[] bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
        assertEquals("QEMU CFG", new String(bytes, StandardCharsets.US_ASCII));
        assertEquals('Q' | 'E' << 8 | 'M' << 16 | 'U' << 24, device.dmaPort().read(0, 4));
        assertEquals(' ' | 'C' << 8, device.dmaPort().read(4, 2));
    }

    @Test
    void dmaSelectAndReadCopiesTheItemAndClearsControl() {
        int control = dma(FwCfgDmaAccess.select(FwCfgKey.KERNEL_DATA, FwCfgDmaAccess.READ, 6, BUFFER));
        assertEquals(0, control);
        assertArrayEquals(Arrays.copyOf(KERNEL, 6), guestBytes(BUFFER, 6));
        // The data offset moved on: the port interface continues where DMA stopped.
        assertArrayEquals(Arrays.copyOfRange(KERNEL, 6, 9), readData(3));
    }

    @Test
    void dmaReadPastTheEndZeroFills() {
        ram.slice(BUFFER, 32).fill((byte) 0x7E);
        assertEquals(0, dma(FwCfgDmaAccess.select(FwCfgKey.NB_CPUS, FwCfgDmaAccess.READ, 8, BUFFER)));
        assertArrayEquals(new byte[] {4, 0, 0, 0, 0, 0, 0, 0, 0x7E}, guestBytes(BUFFER, 9));
    }

    @Test
    void dmaSkipThenReadWithoutSelect() {
        assertEquals(0, dma(FwCfgDmaAccess.select(FwCfgKey.KERNEL_DATA, FwCfgDmaAccess.SKIP, 7, 0)));
        assertEquals(0, dma(new FwCfgDmaAccess(FwCfgDmaAccess.READ, 5, BUFFER)));
        assertArrayEquals(Arrays.copyOfRange(KERNEL, 7, 12), guestBytes(BUFFER, 5));
    }

    @Test
    void dmaSelectOnlyJustSelects() {
        assertEquals(0, dma(FwCfgDmaAccess.select(FwCfgKey.NB_CPUS, 0, 100, BUFFER)));
        assertArrayEquals(new byte[] {4, 0}, readData(2));
    }

    @Test
    void dmaWriteToAReadOnlyItemIsAnError() {
        assertEquals(FwCfgDmaAccess.ERROR, dma(FwCfgDmaAccess.select(FwCfgKey.NB_CPUS, FwCfgDmaAccess.WRITE, 2, BUFFER)));
        select(FwCfgKey.NB_CPUS);
        assertArrayEquals(new byte[] {4, 0}, readData(2));
    }

    @Test
    void dmaReadIntoMemoryOutsideRamIsAnErrorAndWritesNothing() {
        assertEquals(FwCfgDmaAccess.ERROR,
                dma(FwCfgDmaAccess.select(FwCfgKey.KERNEL_DATA, FwCfgDmaAccess.READ, 0x20, ram.size() - 0x10)));
        assertArrayEquals(new byte[0x10], guestBytes(ram.size() - 0x10, 0x10));
        assertEquals(FwCfgDmaAccess.ERROR,
                dma(FwCfgDmaAccess.select(FwCfgKey.KERNEL_DATA, FwCfgDmaAccess.READ, 4, 0xFFFF_FFFF_0000L)));
        assertEquals(FwCfgDmaAccess.ERROR,
                dma(FwCfgDmaAccess.select(FwCfgKey.KERNEL_DATA, FwCfgDmaAccess.READ, 4, -8)));
    }

    @Test
    void dmaRequestOutsideRamIsIgnoredWithoutThrowing() {
        device.dmaPort().write(0, 4, Integer.reverseBytes(0x7));
        device.dmaPort().write(FwCfg.DMA_LOW_OFFSET, 4, 0);
        // A request straddling the end of RAM gets ERROR in the part of control that is RAM.
        long straddling = ram.size() - 8;
        device.dmaPort().write(FwCfg.DMA_LOW_OFFSET, 4, Integer.toUnsignedLong(Integer.reverseBytes((int) straddling)));
        assertEquals(FwCfgDmaAccess.ERROR, control(straddling));
    }

    @Test
    void dmaAddressInTwoHalvesAndAsOneQword() {
        MemorySegment.copy(FwCfgDmaAccess.select(FwCfgKey.NB_CPUS, FwCfgDmaAccess.READ, 2, BUFFER).encode(), 0,
                ram.slice(REQUEST, 16), ValueLayout.JAVA_BYTE, 0, 16);
        device.dmaPort().write(0, 4, 0);
        device.dmaPort().write(FwCfg.DMA_LOW_OFFSET, 4, Integer.toUnsignedLong(Integer.reverseBytes((int) REQUEST)));
        assertEquals(0, control(REQUEST));
        assertArrayEquals(new byte[] {4, 0}, guestBytes(BUFFER, 2));

        MemorySegment.copy(FwCfgDmaAccess.select(FwCfgKey.SIGNATURE, FwCfgDmaAccess.READ, 4, BUFFER).encode(), 0,
                ram.slice(REQUEST, 16), ValueLayout.JAVA_BYTE, 0, 16);
        device.dmaPort().write(0, 8, Long.reverseBytes(REQUEST));
        assertEquals(0, control(REQUEST));
        assertEquals("QEMU", new String(guestBytes(BUFFER, 4), StandardCharsets.US_ASCII));
    }

    @Test
    void highHalfAboveRamMakesTheRequestFailQuietly() {
        MemorySegment.copy(FwCfgDmaAccess.select(FwCfgKey.NB_CPUS, FwCfgDmaAccess.READ, 2, BUFFER).encode(), 0,
                ram.slice(REQUEST, 16), ValueLayout.JAVA_BYTE, 0, 16);
        device.dmaPort().write(0, 4, Integer.reverseBytes(1)); // request at 4 GiB + REQUEST: not RAM
        device.dmaPort().write(FwCfg.DMA_LOW_OFFSET, 4, Integer.toUnsignedLong(Integer.reverseBytes((int) REQUEST)));
        assertEquals(FwCfgDmaAccess.select(FwCfgKey.NB_CPUS, FwCfgDmaAccess.READ, 2, BUFFER).control(), control(REQUEST));
        assertArrayEquals(new byte[2], guestBytes(BUFFER, 2));
    }

    @Test
    void byteWritesToTheDmaRegisterAreIgnored() {
        device.dmaPort().write(DMA_LOW_BYTE, 1, 0x10);
        assertEquals(FwCfg.DMA_SIGNATURE, Long.reverseBytes(device.dmaPort().read(0, 8)));
    }

    @Test
    void builderRefusesWhatTheDeviceOwnsAndBadFileNames() {
        assertThrows(IllegalArgumentException.class, () -> FwCfgItems.builder().u32(FwCfgKey.ID, 0));
        assertThrows(IllegalArgumentException.class, () -> FwCfgItems.builder().u32(FwCfgKey.FILE_FIRST, 0));
        assertThrows(IllegalArgumentException.class,
                () -> FwCfgItems.builder().u32(FwCfgKey.WRITE_CHANNEL | FwCfgKey.RAM_SIZE, 0));
        assertThrows(IllegalArgumentException.class, () -> FwCfgItems.builder().file("x".repeat(56), new byte[0]));
        FwCfgItems.Builder many = FwCfgItems.builder();
        for (int i = 0; i <= FwCfgItems.MAX_FILES; i++) {
            many.file("opt/f" + i, new byte[0]);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, many::build);
        assertEquals("fw_cfg: 33 files, but there are only 32 file slots", e.getMessage());
    }

    @Test
    void stringItemsCarryTheirNul() {
        FwCfg withCmdline = new FwCfg(FwCfgItems.builder().string(FwCfgKey.CMDLINE_DATA, "console=ttyS0").build(), ram);
        BusDevice port = withCmdline.ioPort();
        port.write(0, 2, FwCfgKey.CMDLINE_DATA);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 14; i++) {
            text.append((char) port.read(FwCfg.DATA_OFFSET, 1));
        }
        assertEquals("console=ttyS0\0", text.toString());
    }
}
