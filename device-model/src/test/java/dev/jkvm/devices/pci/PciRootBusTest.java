package dev.jkvm.devices.pci;

import static dev.jkvm.devices.pci.PciConfigRegisters.*;
import static dev.jkvm.devices.pci.TestFunction.bar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jkvm.devices.bus.BusDevice;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

class PciRootBusTest {
    /** CONFIG_ADDRESS enable bit. */
    private static final int ENABLE = 0x8000_0000;

    private final PciRootBus bus = new PciRootBus();
    private final RecordingBarMapper mapper = new RecordingBarMapper();
    private final TestFunction function = new TestFunction(List.of(bar(1, PciBarKind.MEMORY32, 0x1000, false)));
    private BusDevice address;
    private BusDevice data;
    private BusDevice ecam;

    @BeforeEach
    void plugDevices() {
        bus.plug(0, new PciHostBridge(), mapper, new RecordingLine());
        bus.plug(2, function, mapper, new RecordingLine());
        address = bus.configAddressPort();
        data = bus.configDataPort();
        ecam = bus.ecam();
    }

    private static int cf8(int busNumber, int slot, int fn, int register) {
        return ENABLE | busNumber << 16 | slot << 11 | fn << 8 | register & 0xFC;
    }

    private static long ecamOffset(int busNumber, int slot, int fn, int register) {
        return (long) busNumber << 20 | slot << 15 | fn << 12 | register;
    }

    private long type1Read(int busNumber, int slot, int fn, int register, int size) {
        address.write(0, 4, cf8(busNumber, slot, fn, register));
        return data.read(register & 3, size);
    }

    private void type1Write(int slot, int register, int size, int value) {
        address.write(0, 4, cf8(0, slot, 0, register));
        data.write(register & 3, size, value);
    }

    @Test
    void hostBridgeIsThe440fx() {
        assertEquals(0x1237_8086L, type1Read(0, 0, 0, VENDOR_ID, 4));
        assertEquals(0x0600_0002L, type1Read(0, 0, 0, REVISION_ID, 4), "class 060000, revision 02");
        assertEquals(0, type1Read(0, 0, 0, HEADER_TYPE, 1), "single-function type-0 header");
        assertEquals(0x1237_8086L, ecam.read(ecamOffset(0, 0, 0, 0), 4));
    }

    @Test
    void mechanismOneAndEcamReadTheSameRegisters() {
        function.configWrite(barOffset(1), 4, 0xC000_0000);
        function.configWrite(INTERRUPT_LINE, 1, 10);
        for (int register = 0; register < CONVENTIONAL_SPACE_END; register += 4) {
            assertEquals(type1Read(0, 2, 0, register, 4), ecam.read(ecamOffset(0, 2, 0, register), 4),
                    "register 0x%x".formatted(register));
        }
        for (int register = 0; register < HEADER_END; register++) {
            assertEquals(type1Read(0, 2, 0, register, 1), ecam.read(ecamOffset(0, 2, 0, register), 1),
                    "byte 0x%x".formatted(register));
        }
        assertEquals(0x5678L, type1Read(0, 2, 0, DEVICE_ID, 2), "a word at 0xCFE");
        assertEquals(0x78L, type1Read(0, 2, 0, DEVICE_ID, 1));
        assertEquals(0x56L, type1Read(0, 2, 0, DEVICE_ID + 1, 1), "a byte at 0xCFF");
    }

    @Test
    void writesThroughEitherMechanismReachTheFunction() {
        type1Write(2, barOffset(1), 4, 0xC000_0000);
        ecam.write(ecamOffset(0, 2, 0, COMMAND), 2, COMMAND_MEMORY_SPACE);
        assertEquals(List.of("map BAR 1 0xc0000000"), mapper.calls());
        type1Write(2, COMMAND, 2, 0);
        assertEquals(List.of("map BAR 1 0xc0000000", "unmap BAR 1"), mapper.calls());
        type1Write(2, INTERRUPT_LINE, 1, 11);
        assertEquals(11L, ecam.read(ecamOffset(0, 2, 0, INTERRUPT_LINE), 1));
    }

    @Test
    void ecamQwordAccessesSplitIntoDwords() {
        ecam.write(ecamOffset(0, 0, 0, CACHE_LINE_SIZE), 1, 0x10);
        assertEquals(0x0000_0010_0600_0002L, ecam.read(ecamOffset(0, 0, 0, REVISION_ID), 8));
        ecam.write(ecamOffset(0, 2, 0, barOffset(1)), 8, 0xFFFF_FFFF_C000_0000L);
        assertEquals(0xC000_0000L, ecam.read(ecamOffset(0, 2, 0, barOffset(1)), 4));
    }

    @Test
    void emptySlotsOtherFunctionsAndOtherBusesReadAllOnes() {
        assertEquals(0xFFFF_FFFFL, type1Read(0, 1, 0, VENDOR_ID, 4), "slot 1 is empty");
        assertEquals(0xFFFFL, type1Read(0, 31, 0, VENDOR_ID, 2));
        assertEquals(0xFFL, type1Read(0, 5, 0, 0, 1));
        for (int fn = 1; fn < PciRootBus.FUNCTION_COUNT; fn++) {
            assertEquals(0xFFFF_FFFFL, type1Read(0, 0, fn, VENDOR_ID, 4), "function " + fn);
            assertEquals(0xFFFF_FFFFL, ecam.read(ecamOffset(0, 2, fn, 0), 4), "function " + fn);
        }
        assertEquals(0xFFFF_FFFFL, type1Read(1, 0, 0, VENDOR_ID, 4), "bus 1");
        assertEquals(0xFFFF_FFFFL, ecam.read(ecamOffset(1, 0, 0, 0), 4));
        assertEquals(0xFFFF_FFFFL, ecam.read(ecamOffset(255, 31, 7, 0xFFC), 4));
        assertEquals(-1L, ecam.read(ecamOffset(7, 0, 0, 0), 8));
        ecam.write(ecamOffset(1, 2, 0, INTERRUPT_LINE), 1, 5);
        assertEquals(0, function.configRead(INTERRUPT_LINE, 1), "bus 1 slot 2 is not bus 0 slot 2");
    }

    @Test
    void configAddressIsDwordOnly() {
        address.write(0, 4, cf8(0, 2, 0, 0x10));
        assertEquals(Integer.toUnsignedLong(cf8(0, 2, 0, 0x10)), address.read(0, 4));
        address.write(0, 1, 0x00);
        address.write(0, 2, 0x0000);
        assertEquals(Integer.toUnsignedLong(cf8(0, 2, 0, 0x10)), address.read(0, 4), "byte and word writes are ignored");
        assertEquals(0xFFL, address.read(0, 1));
        assertEquals(0xFFFFL, address.read(0, 2));
    }

    @Test
    void configAddressReservedBitsReadZero() {
        address.write(0, 4, 0xFFFF_FFFF);
        assertEquals(0x80FF_FFFCL, address.read(0, 4));
        address.write(0, 4, 0x8000_0000);
        assertEquals(0x8000_0000L, address.read(0, 4), "Linux's type-1 probe reads back what it wrote");
    }

    @Test
    void dataWindowWithoutEnableIsAllOnes() {
        address.write(0, 4, cf8(0, 0, 0, 0) & ~ENABLE);
        assertEquals(0xFFFF_FFFFL, data.read(0, 4));
        data.write(0, 4, 0);
        address.write(0, 4, cf8(0, 0, 0, 0));
        assertEquals(0x1237_8086L, data.read(0, 4));
    }

    @Test
    void misalignedDataAccessesAreSplitIntoBytes() {
        address.write(0, 4, cf8(0, 0, 0, 0));
        assertEquals(0x3780L, data.read(1, 2), "bytes 1 and 2 of the host bridge's ID dword");
    }

    @Test
    void plugValidatesTheSlot() {
        assertThrows(IllegalStateException.class, () -> bus.plug(2, new PciHostBridge(), mapper, new RecordingLine()));
        assertThrows(IndexOutOfBoundsException.class, () -> bus.plug(32, new PciHostBridge(), mapper, new RecordingLine()));
        assertTrue(bus.device(2).isPresent());
        assertTrue(bus.device(1).isEmpty());
    }

    @Test
    void portAndWindowConstants() {
        assertEquals(0xCF8, PciRootBus.CONFIG_ADDRESS_PORT);
        assertEquals(0xCFC, PciRootBus.CONFIG_DATA_PORT);
        assertEquals(0xE000_0000L, PciRootBus.ECAM_BASE);
        assertEquals(256L << 20, PciRootBus.ECAM_SIZE);
    }
}
