package dev.jkvm.core.x86.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The few ACPI Machine Language terms jkvm's DSDT is made of (ACPI 6.5, chapter 20), each encoding itself to
 * AML bytes. Names are AML NameStrings: 1–4 character segments of A–Z, 0–9 and '_' (not starting with a digit),
 * separated by '.', optionally starting with '\' (root) or '^' (parent); short segments are padded with '_'.
 */
public sealed interface Aml {
    /** NameOp: Name(NameString, DataRefObject). */
    int NAME_OP = 0x08;
    /** ScopeOp: Scope(NameString) {TermList}. */
    int SCOPE_OP = 0x10;
    /** BufferOp: Buffer(BufferSize) {ByteList}. */
    int BUFFER_OP = 0x11;
    /** PackageOp: Package(NumElements) {PackageElementList}. */
    int PACKAGE_OP = 0x12;
    /** ExtOpPrefix, the first byte of two-byte opcodes. */
    int EXT_OP_PREFIX = 0x5B;
    /** DeviceOp, after ExtOpPrefix. */
    int DEVICE_OP = 0x82;
    /** ZeroOp: the constant 0. */
    int ZERO_OP = 0x00;
    /** OneOp: the constant 1. */
    int ONE_OP = 0x01;
    /** OnesOp: all bits set. */
    int ONES_OP = 0xFF;
    /** BytePrefix: an 8-bit constant follows. */
    int BYTE_PREFIX = 0x0A;
    /** WordPrefix: a 16-bit constant follows. */
    int WORD_PREFIX = 0x0B;
    /** DWordPrefix: a 32-bit constant follows. */
    int DWORD_PREFIX = 0x0C;
    /** StringPrefix: a NUL-terminated ASCII string follows. */
    int STRING_PREFIX = 0x0D;
    /** QWordPrefix: a 64-bit constant follows. */
    int QWORD_PREFIX = 0x0E;
    /** RootChar: the name is absolute. */
    int ROOT_CHAR = '\\';
    /** ParentPrefixChar: the name starts one scope up. */
    int PARENT_PREFIX_CHAR = '^';
    /** DualNamePrefix: two NameSegs follow. */
    int DUAL_NAME_PREFIX = 0x2E;
    /** MultiNamePrefix: a count and that many NameSegs follow. */
    int MULTI_NAME_PREFIX = 0x2F;
    /** Length of a NameSeg. */
    int NAME_SEG_SIZE = 4;
    /** Largest length a PkgLength can encode (28 bits). */
    int MAX_PKG_LENGTH = (1 << 28) - 1;

    /** The term's AML bytes. */
    byte[] encode();

    /** Name(name, value): defines a named object. */
    record Name(String name, Aml value) implements Aml {
        @Override
        public byte[] encode() {
            return concat(new byte[] {NAME_OP}, nameString(name), value.encode());
        }
    }

    /** Scope(name) {terms}: opens an existing scope such as \_SB. */
    record Scope(String name, List<Aml> terms) implements Aml {
        public Scope {
            terms = List.copyOf(terms);
        }

        @Override
        public byte[] encode() {
            return concat(new byte[] {SCOPE_OP}, withPkgLength(concat(nameString(name), encodeAll(terms))));
        }
    }

    /** Device(name) {terms}: declares a device object. */
    record Device(String name, List<Aml> terms) implements Aml {
        public Device {
            terms = List.copyOf(terms);
        }

        @Override
        public byte[] encode() {
            return concat(new byte[] {EXT_OP_PREFIX, (byte) DEVICE_OP},
                    withPkgLength(concat(nameString(name), encodeAll(terms))));
        }
    }

    /** Package(n) {elements}: a fixed list of data objects. */
    record Package(List<Aml> elements) implements Aml {
        /** Most elements NumElements (one byte) can count. */
        public static final int MAX_ELEMENTS = 255;

        public Package {
            elements = List.copyOf(elements);
            if (elements.size() > MAX_ELEMENTS) {
                throw new IllegalArgumentException("AML Package of " + elements.size() + " elements: at most "
                        + MAX_ELEMENTS + " fit (VarPackage is not supported)");
            }
        }

        @Override
        public byte[] encode() {
            return concat(new byte[] {PACKAGE_OP},
                    withPkgLength(concat(new byte[] {(byte) elements.size()}, encodeAll(elements))));
        }
    }

    /** An integer constant in its shortest encoding (ZeroOp, OneOp, OnesOp or a prefixed constant). */
    record IntegerConst(long value) implements Aml {
        @Override
        public byte[] encode() {
            if (value == 0) {
                return new byte[] {ZERO_OP};
            }
            if (value == 1) {
                return new byte[] {ONE_OP};
            }
            if (value == -1) {
                return new byte[] {(byte) ONES_OP};
            }
            if ((value & ~0xFFL) == 0) {
                return new byte[] {BYTE_PREFIX, (byte) value};
            }
            if ((value & ~0xFFFFL) == 0) {
                return concat(new byte[] {WORD_PREFIX}, littleEndian(value, 2));
            }
            if ((value & ~0xFFFF_FFFFL) == 0) {
                return concat(new byte[] {DWORD_PREFIX}, littleEndian(value, 4));
            }
            return concat(new byte[] {QWORD_PREFIX}, littleEndian(value, 8));
        }
    }

    /** A string constant: printable ASCII, NUL-terminated in AML. */
    record StringConst(String value) implements Aml {
        public StringConst {
            if (!value.chars().allMatch(c -> c >= 0x01 && c <= 0x7F)) {
                throw new IllegalArgumentException("AML string \"" + value + "\" must be ASCII 0x01..0x7F");
            }
        }

        @Override
        public byte[] encode() {
            return concat(new byte[] {STRING_PREFIX}, value.getBytes(StandardCharsets.US_ASCII), new byte[] {0});
        }
    }

    /**
     * EisaId("PNP0501"): a compressed EISA ID, as ASL's EisaId() macro makes it: three letters in 5 bits each and
     * four hex digits, stored as a DWord constant.
     */
    record EisaId(String id) implements Aml {
        public EisaId {
            if (!id.matches("[A-Z]{3}[0-9A-F]{4}")) {
                throw new IllegalArgumentException("EISA ID \"" + id + "\" must be three capitals and four hex digits");
            }
        }

        /** The 32-bit value, as a little-endian read of the four ID bytes. */
        public long value() {
            int c1 = id.charAt(0) - '@';
            int c2 = id.charAt(1) - '@';
            int c3 = id.charAt(2) - '@';
            int product = Integer.parseInt(id.substring(3), 16);
            int b0 = (c1 << 2) | (c2 >> 3);
            int b1 = ((c2 & 7) << 5) | c3;
            int b2 = product >> 8;
            int b3 = product & 0xFF;
            return Integer.toUnsignedLong(b0 | b1 << 8 | b2 << 16 | b3 << 24);
        }

        @Override
        public byte[] encode() {
            return concat(new byte[] {DWORD_PREFIX}, littleEndian(value(), 4));
        }
    }

    /** Buffer() {bytes}. */
    record Buffer(byte[] bytes) implements Aml {
        public Buffer {
            bytes = bytes.clone();
        }

        @Override
        public byte[] encode() {
            return concat(new byte[] {BUFFER_OP}, withPkgLength(concat(new IntegerConst(bytes.length).encode(), bytes)));
        }
    }

    /** ResourceTemplate() {descriptors}: a Buffer of resource descriptors closed by an End Tag. */
    record ResourceTemplate(List<ResourceDescriptor> descriptors) implements Aml {
        public ResourceTemplate {
            descriptors = List.copyOf(descriptors);
        }

        @Override
        public byte[] encode() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            descriptors.forEach(d -> out.writeBytes(d.encode()));
            out.write(ResourceDescriptor.END_TAG);
            out.write(ResourceDescriptor.END_TAG_NO_CHECKSUM);
            return new Buffer(out.toByteArray()).encode();
        }
    }

    /** The AML encoding of a NameString. */
    static byte[] nameString(String path) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        if (path.startsWith("\\")) {
            out.write(ROOT_CHAR);
            at = 1;
        } else {
            while (at < path.length() && path.charAt(at) == PARENT_PREFIX_CHAR) {
                out.write(PARENT_PREFIX_CHAR);
                at++;
            }
        }
        String rest = path.substring(at);
        List<String> segments = rest.isEmpty() ? List.of() : List.of(rest.split("\\.", -1));
        switch (segments.size()) {
            case 0 -> out.write(0); // NullName: only meaningful after a root or parent prefix
            case 1 -> { }
            case 2 -> out.write(DUAL_NAME_PREFIX);
            default -> {
                if (segments.size() > 255) {
                    throw new IllegalArgumentException("AML name " + path + " has more than 255 segments");
                }
                out.write(MULTI_NAME_PREFIX);
                out.write(segments.size());
            }
        }
        if (segments.isEmpty() && at == 0) {
            throw new IllegalArgumentException("empty AML name");
        }
        for (String segment : segments) {
            out.writeBytes(nameSeg(segment, path));
        }
        return out.toByteArray();
    }

    private static byte[] nameSeg(String segment, String path) {
        if (!segment.matches("[A-Z_][A-Z0-9_]{0,3}")) {
            throw new IllegalArgumentException("AML name " + path + ": segment \"" + segment
                    + "\" must be 1-4 of A-Z, 0-9, _ and not start with a digit");
        }
        byte[] seg = {'_', '_', '_', '_'};
        byte[] chars = segment.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(chars, 0, seg, 0, chars.length);
        return seg;
    }

    /**
     * {@code body} preceded by its PkgLength, which counts itself: one byte holds up to 63, else the lead byte's
     * top two bits say how many bytes follow, its low nibble holds the low 4 bits and each following byte 8 more.
     */
    static byte[] withPkgLength(byte[] body) {
        int extra;
        if (body.length + 1 <= 0x3F) {
            return concat(new byte[] {(byte) (body.length + 1)}, body);
        } else if (body.length + 2 <= 0xFFF) {
            extra = 1;
        } else if (body.length + 3 <= 0xFFFFF) {
            extra = 2;
        } else if (body.length + 4 <= MAX_PKG_LENGTH) {
            extra = 3;
        } else {
            throw new IllegalArgumentException("AML package of " + body.length + " bytes is too long for a PkgLength");
        }
        int length = body.length + 1 + extra;
        byte[] encoded = new byte[1 + extra];
        encoded[0] = (byte) ((extra << 6) | (length & 0xF));
        for (int i = 1; i <= extra; i++) {
            encoded[i] = (byte) (length >>> (4 + 8 * (i - 1)));
        }
        return concat(encoded, body);
    }

    private static byte[] encodeAll(List<Aml> terms) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        terms.forEach(term -> out.writeBytes(term.encode()));
        return out.toByteArray();
    }

    private static byte[] littleEndian(long value, int bytes) {
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            out[i] = (byte) (value >>> (8 * i));
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
