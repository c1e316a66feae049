package dev.jkvm.core.x86.cpu;

/**
 * Family, model and stepping as CPUID leaf 1 EAX (and AMD's 0x80000001 EAX) encode them: stepping in bits 3:0,
 * the low model nibble in 7:4, the family in 11:8 (0xF when the family is 15 or more), the high model nibble in
 * 19:16 and family − 15 in 27:20.
 */
public record CpuSignature(int family, int model, int stepping) {
    /** The base family value that says "add the extended family". */
    private static final int EXTENDED_FAMILY_MARK = 0xF;

    public CpuSignature {
        if (family < 0 || family > EXTENDED_FAMILY_MARK + 0xFF || model < 0 || model > 0xFF
                || stepping < 0 || stepping > 0xF) {
            throw new IllegalArgumentException("no CPUID encoding for family " + family + " model " + model
                    + " stepping " + stepping);
        }
    }

    public static CpuSignature decode(int eax) {
        int baseFamily = (eax >>> 8) & 0xF;
        int family = baseFamily == EXTENDED_FAMILY_MARK ? baseFamily + ((eax >>> 20) & 0xFF) : baseFamily;
        int model = ((eax >>> 4) & 0xF) | ((eax >>> 16) & 0xF) << 4;
        return new CpuSignature(family, model, eax & 0xF);
    }

    public int eax() {
        int baseFamily = Math.min(family, EXTENDED_FAMILY_MARK);
        int extendedFamily = family - baseFamily;
        return extendedFamily << 20 | (model >>> 4) << 16 | baseFamily << 8 | (model & 0xF) << 4 | stepping;
    }
}
