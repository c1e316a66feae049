package dev.jkvm.devices.net.tap;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MacAddressTest {

    @Test
    void parsesAndPrintsTheColonForm() {
        MacAddress address = MacAddress.parse("52:54:00:12:34:56");
        assertEquals(0x5254_0012_3456L, address.bits());
        assertEquals("52:54:00:12:34:56", address.toString());
        assertEquals(address, MacAddress.parse("52:54:00:12:34:56".toUpperCase()));
        assertEquals("aa:bb:cc:dd:ee:ff", MacAddress.parse("AA:bb:CC:dd:EE:ff").toString());
        assertArrayEquals(new byte[] {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}, address.toBytes());
    }

    @Test
    void rejectsMalformedTextInOneLine() {
        for (String bad : new String[] {"", "52:54:00:12:34", "52:54:00:12:34:56:78", "52-54-00-12-34-56",
                "5254.0012.3456", "52:54:00:12:34:5g", "2:54:00:12:34:56", "52:54:00:12:34:567", " 52:54:00:12:34:56",
                "52:54:00:12:34:56\n"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(bad), bad);
            assertEquals("malformed MAC address \"" + bad + "\": expected six two-digit hex octets separated by"
                    + " colons, e.g. 52:54:00:12:34:56", e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(null));
        assertThrows(IllegalArgumentException.class, () -> new MacAddress(1L << 48));
    }

    @Test
    void aNicAddressMustBeUnicastAndNotZero() {
        assertEquals(MacAddress.parse("52:54:00:12:34:56"), MacAddress.parseNicAddress("52:54:00:12:34:56"));
        var multicast = assertThrows(IllegalArgumentException.class,
                () -> MacAddress.parseNicAddress("01:00:5e:00:00:01"));
        assertEquals("MAC address 01:00:5e:00:00:01 is a multicast address (the first octet is odd); a NIC needs a"
                + " unicast one, e.g. 52:54:00:12:34:56", multicast.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parseNicAddress("ff:ff:ff:ff:ff:ff"));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parseNicAddress("00:00:00:00:00:00"));
        assertTrue(MacAddress.BROADCAST.isMulticast());
    }

    @Test
    void generatedAddressesAreQemuRangeUnicastAndDistinctPerVmAndNic() {
        Set<MacAddress> seen = new HashSet<>();
        long[] pids = {1, 2, 3, 1000, 32767, 32768, 65535, 65536, 4_194_303};
        for (long pid : pids) {
            for (int nic = 0; nic < MacAddress.GENERATED_NICS_PER_VM; nic++) {
                MacAddress address = MacAddress.generate(pid, nic);
                assertEquals(MacAddress.QEMU_OUI, (int) (address.bits() >>> 24), address.toString());
                assertFalse(address.isMulticast());
                assertTrue(address.isLocallyAdministered());
                assertTrue(seen.add(address), "duplicate " + address + " for pid " + pid + " NIC " + nic);
            }
        }
        assertEquals("52:54:00:00:9c:41", MacAddress.generate(10000, 1).toString());
        assertEquals(MacAddress.generate(4242, 0), MacAddress.generate(4242, 0), "the same VM gets the same address");
    }

    @Test
    void generationRefusesWhatItCannotKeepDistinct() {
        var fifth = assertThrows(IllegalArgumentException.class, () -> MacAddress.generate(100, 4));
        assertEquals("NIC 4 has no default MAC address: jkvm numbers the first 4 NICs of a VM; give this one mac=",
                fifth.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MacAddress.generate(0, 0));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.generate(1L << 22, 0));
    }

    @Test
    void readsAndWritesTheWireOrder() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment frame = arena.allocate(14);
            MacAddress address = MacAddress.parse("52:54:00:ab:cd:ef");
            address.write(frame, 6);
            assertEquals((byte) 0x52, frame.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 6));
            assertEquals((byte) 0xef, frame.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 11));
            assertEquals(address, MacAddress.read(frame, 6));
        }
    }
}
