package dev.jkvm.core.x86.acpi;

import dev.jkvm.core.x86.acpi.Aml.Buffer;
import dev.jkvm.core.x86.acpi.Aml.Device;
import dev.jkvm.core.x86.acpi.Aml.EisaId;
import dev.jkvm.core.x86.acpi.Aml.IntegerConst;
import dev.jkvm.core.x86.acpi.Aml.Name;
import dev.jkvm.core.x86.acpi.Aml.Package;
import dev.jkvm.core.x86.acpi.Aml.Scope;
import dev.jkvm.core.x86.acpi.Aml.StringConst;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** AML encodings checked against the ACPI grammar and against what iasl 20200925 compiles from the same ASL. */
class AmlTest {
    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    @Test
    void integersUseTheShortestEncoding() {
        assertArrayEquals(hex("00"), new IntegerConst(0).encode());
        assertArrayEquals(hex("01"), new IntegerConst(1).encode());
        assertArrayEquals(hex("ff"), new IntegerConst(-1).encode());
        assertArrayEquals(hex("0a 0b"), new IntegerConst(0x0B).encode());
        assertArrayEquals(hex("0b f8 03"), new IntegerConst(0x3F8).encode());
        assertArrayEquals(hex("0c 00 00 c0 fe"), new IntegerConst(0xFEC0_0000L).encode());
        assertArrayEquals(hex("0e 00 00 00 00 01 00 00 00"), new IntegerConst(0x1_0000_0000L).encode());
    }

    @Test
    void stringsAreNulTerminated() {
        assertArrayEquals(hex("0d 51454d5530303032 00"), new StringConst("QEMU0002").encode());
        assertThrows(IllegalArgumentException.class, () -> new StringConst("caf\u00e9"));
    }

    @Test
    void eisaIdCompressesLikeAslsMacro() {
        assertEquals(0x0105D041L, new EisaId("PNP0501").value());
        assertEquals(0x030AD041L, new EisaId("PNP0A03").value());
        assertArrayEquals(hex("0c 41 d0 05 01"), new EisaId("PNP0501").encode());
        assertThrows(IllegalArgumentException.class, () -> new EisaId("pnp0501"));
    }

    @Test
    void nameStringsPadSegmentsAndUsePrefixes() {
        assertArrayEquals(hex("5f53355f"), Aml.nameString("_S5"));
        assertArrayEquals(hex("5c 5f53425f"), Aml.nameString("\\_SB"));
        assertArrayEquals(hex("5c 2e 5f53425f 50434930"), Aml.nameString("\\_SB.PCI0"));
        assertArrayEquals(hex("2f 03 5f53425f 50434930 53463842"), Aml.nameString("_SB.PCI0.SF8B"));
        assertArrayEquals(hex("5e 5e 434f4d31"), Aml.nameString("^^COM1"));
        assertArrayEquals(hex("5c 00"), Aml.nameString("\\"));
        for (String bad : List.of("", "1ABC", "ABCDE", "a", "_SB..X", "_SB.")) {
            assertThrows(IllegalArgumentException.class, () -> Aml.nameString(bad), bad);
        }
    }

    @Test
    void pkgLengthCountsItselfAndGrowsAtEachLimit() {
        assertArrayEquals(hex("01"), Aml.withPkgLength(new byte[0]));
        assertEquals(0x3F, Aml.withPkgLength(new byte[0x3E])[0]);
        byte[] two = Aml.withPkgLength(new byte[0x3F]);
        // 0x3F + 2 = 0x41: lead byte 01xx_0001 (one more byte, low nibble 1), then 0x04.
        assertArrayEquals(hex("41 04"), new byte[] {two[0], two[1]});
        assertEquals(0x3F + 2, two.length);
        byte[] three = Aml.withPkgLength(new byte[0xFFE]);
        // 0xFFE + 3 = 0x1001: lead 10xx_0001, then 0x00, 0x01.
        assertArrayEquals(hex("81 00 01"), new byte[] {three[0], three[1], three[2]});
        byte[] four = Aml.withPkgLength(new byte[0xFFFFD]);
        // 0xFFFFD + 4 = 0x100001: lead 11xx_0001, then 0x00, 0x00, 0x01.
        assertArrayEquals(hex("c1 00 00 01"), new byte[] {four[0], four[1], four[2], four[3]});
    }

    @Test
    void packageAndBuffer() {
        assertArrayEquals(hex("08 5f53355f 12 06 04 00 00 00 00"),
                new Name("_S5", new Package(List.of(new IntegerConst(0), new IntegerConst(0), new IntegerConst(0),
                        new IntegerConst(0)))).encode());
        assertArrayEquals(hex("11 05 0a 02 aa bb"), new Buffer(new byte[] {(byte) 0xAA, (byte) 0xBB}).encode());
        List<Aml> many = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            many.add(new IntegerConst(i));
        }
        assertThrows(IllegalArgumentException.class, () -> new Package(many));
    }

    @Test
    void largeScopeGetsAMultiBytePkgLength() {
        List<Aml> devices = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            devices.add(new Device("D%03d".formatted(i), List.of(new Name("_UID", new IntegerConst(i)))));
        }
        byte[] scope = new Scope("_SB", devices).encode();
        int lead = Byte.toUnsignedInt(scope[1]);
        int length = (lead & 0xF) | Byte.toUnsignedInt(scope[2]) << 4;
        assertEquals(1, lead >> 6);
        assertEquals(scope.length - 1, length, "PkgLength covers everything after ScopeOp");
    }

    /**
     * The DSDT iasl 20200925 compiles from pc-dsdt.asl (a test resource written from the specifications, not from
     * the encoder): the AML after the 36-byte header must match byte for byte.
     */
    @Test
    void pcDsdtIsByteForByteWhatIaslCompiles() throws IOException {
        byte[] iasl;
        try (InputStream in = AmlTest.class.getResourceAsStream("pc-dsdt.aml")) {
            assertNotNull(in, "test resource pc-dsdt.aml");
            iasl = in.readAllBytes();
        }
        assertArrayEquals(Arrays.copyOfRange(iasl, SdtHeader.SIZE, iasl.length), PcAcpi.dsdt().aml());
        assertEquals(iasl.length, PcAcpi.dsdt().toBytes().length);
    }

    /** Address space descriptors as iasl encodes the PCI0 _CRS in pc-dsdt.asl. */
    @Test
    void addressSpaceDescriptorsMatchIasl() {
        assertArrayEquals(hex("88 0d 00 02 0c 00 0000 0000 ff00 0000 0001"),
                new ResourceDescriptor.WordBusNumber(0, 0xFF).encode());
        assertArrayEquals(hex("88 0d 00 01 0c 03 0000 0000 f70c 0000 f80c"),
                new ResourceDescriptor.WordIo(0, 0xCF7).encode());
        assertArrayEquals(hex("87 17 00 00 0c 03 00000000 00000a00 ffff0b00 00000000 00000200"),
                new ResourceDescriptor.DWordMemory(0xA_0000, 0xB_FFFF, true).encode());
        assertArrayEquals(hex("87 17 00 00 0c 01 00000000 000000c0 ffffffdf 00000000 00000020"),
                new ResourceDescriptor.DWordMemory(0xC000_0000L, 0xDFFF_FFFFL, false).encode());
        assertThrows(IllegalArgumentException.class, () -> new ResourceDescriptor.WordIo(0x100, 0x10000));
        assertThrows(IllegalArgumentException.class, () -> new ResourceDescriptor.DWordMemory(0, 0x1_0000_0000L, false));
    }
}
