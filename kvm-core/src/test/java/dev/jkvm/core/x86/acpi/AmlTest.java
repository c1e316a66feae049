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

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /** iasl -p ref ref.asl of the ASL in PcAcpi's documentation, bytes after the 36-byte table header. */
    private static final String IASL_DSDT_AML =
            "1043065f53425f5b822b434f4d31085f4849440c41d00501085f55494401085f43525311100a0d4701f803f803010822"
            + "100079005b822e46574346085f4849440d51454d553030303200085f5354410a0b085f435253110d0a0a4701100510"
            + "05010c7900085f53355f12060400000000";

    @Test
    void pcDsdtIsByteForByteWhatIaslCompiles() {
        assertArrayEquals(hex(IASL_DSDT_AML), PcAcpi.dsdt().aml());
    }
}
