/*
 * jkvm's PC DSDT in ASL, written from ACPI 6.5 and the PCI Firmware Specification independently of the Java
 * encoder. pc-dsdt.aml is what `iasl pc-dsdt.asl` (ACPICA 20200925) compiles from it; PcAcpiTest compares the AML
 * jkvm encodes with it byte for byte (the AML after the header, whose compiler ID differs). The _PRT lists slot s,
 * pin p on GSI 16 + ((s + p) mod 4). iasl warns that PCI0 has both _HID and _ADR; QEMU's PC DSDT has both too.
 */
DefinitionBlock ("pc-dsdt.aml", "DSDT", 2, "JKVM  ", "JKVMDSDT", 1)
{
    Scope (\_SB)
    {
        Device (COM1)
        {
            Name (_HID, EisaId ("PNP0501"))
            Name (_UID, 1)
            Name (_CRS, ResourceTemplate () { IO (Decode16, 0x03F8, 0x03F8, 0x01, 0x08) IRQNoFlags () {4} })
        }
        Device (FWCF)
        {
            Name (_HID, "QEMU0002")
            Name (_STA, 0x0B)
            Name (_CRS, ResourceTemplate () { IO (Decode16, 0x0510, 0x0510, 0x01, 0x0C) })
        }
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_CID, EisaId ("PNP0A08"))
            Name (_ADR, 0)
            Name (_UID, 0)
            Name (_SEG, 0)
            Name (_BBN, 0)
            Name (_CRS, ResourceTemplate ()
            {
                WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode, 0x0000, 0x0000, 0x00FF, 0x0000, 0x0100)
                IO (Decode16, 0x0CF8, 0x0CF8, 0x01, 0x08)
                WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange,
                    0x0000, 0x0000, 0x0CF7, 0x0000, 0x0CF8)
                WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange,
                    0x0000, 0x0D00, 0xFFFF, 0x0000, 0xF300)
                DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable, ReadWrite,
                    0x00000000, 0x000A0000, 0x000BFFFF, 0x00000000, 0x00020000)
                DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed, NonCacheable, ReadWrite,
                    0x00000000, 0xC0000000, 0xDFFFFFFF, 0x00000000, 0x20000000)
            })
            Name (_PRT, Package ()
            {
                Package () { 0x0000FFFF, 0, 0, 16 },
                Package () { 0x0000FFFF, 1, 0, 17 },
                Package () { 0x0000FFFF, 2, 0, 18 },
                Package () { 0x0000FFFF, 3, 0, 19 },
                Package () { 0x0001FFFF, 0, 0, 17 },
                Package () { 0x0001FFFF, 1, 0, 18 },
                Package () { 0x0001FFFF, 2, 0, 19 },
                Package () { 0x0001FFFF, 3, 0, 16 },
                Package () { 0x0002FFFF, 0, 0, 18 },
                Package () { 0x0002FFFF, 1, 0, 19 },
                Package () { 0x0002FFFF, 2, 0, 16 },
                Package () { 0x0002FFFF, 3, 0, 17 },
                Package () { 0x0003FFFF, 0, 0, 19 },
                Package () { 0x0003FFFF, 1, 0, 16 },
                Package () { 0x0003FFFF, 2, 0, 17 },
                Package () { 0x0003FFFF, 3, 0, 18 },
                Package () { 0x0004FFFF, 0, 0, 16 },
                Package () { 0x0004FFFF, 1, 0, 17 },
                Package () { 0x0004FFFF, 2, 0, 18 },
                Package () { 0x0004FFFF, 3, 0, 19 },
                Package () { 0x0005FFFF, 0, 0, 17 },
                Package () { 0x0005FFFF, 1, 0, 18 },
                Package () { 0x0005FFFF, 2, 0, 19 },
                Package () { 0x0005FFFF, 3, 0, 16 },
                Package () { 0x0006FFFF, 0, 0, 18 },
                Package () { 0x0006FFFF, 1, 0, 19 },
                Package () { 0x0006FFFF, 2, 0, 16 },
                Package () { 0x0006FFFF, 3, 0, 17 },
                Package () { 0x0007FFFF, 0, 0, 19 },
                Package () { 0x0007FFFF, 1, 0, 16 },
                Package () { 0x0007FFFF, 2, 0, 17 },
                Package () { 0x0007FFFF, 3, 0, 18 },
                Package () { 0x0008FFFF, 0, 0, 16 },
                Package () { 0x0008FFFF, 1, 0, 17 },
                Package () { 0x0008FFFF, 2, 0, 18 },
                Package () { 0x0008FFFF, 3, 0, 19 },
                Package () { 0x0009FFFF, 0, 0, 17 },
                Package () { 0x0009FFFF, 1, 0, 18 },
                Package () { 0x0009FFFF, 2, 0, 19 },
                Package () { 0x0009FFFF, 3, 0, 16 },
                Package () { 0x000AFFFF, 0, 0, 18 },
                Package () { 0x000AFFFF, 1, 0, 19 },
                Package () { 0x000AFFFF, 2, 0, 16 },
                Package () { 0x000AFFFF, 3, 0, 17 },
                Package () { 0x000BFFFF, 0, 0, 19 },
                Package () { 0x000BFFFF, 1, 0, 16 },
                Package () { 0x000BFFFF, 2, 0, 17 },
                Package () { 0x000BFFFF, 3, 0, 18 },
                Package () { 0x000CFFFF, 0, 0, 16 },
                Package () { 0x000CFFFF, 1, 0, 17 },
                Package () { 0x000CFFFF, 2, 0, 18 },
                Package () { 0x000CFFFF, 3, 0, 19 },
                Package () { 0x000DFFFF, 0, 0, 17 },
                Package () { 0x000DFFFF, 1, 0, 18 },
                Package () { 0x000DFFFF, 2, 0, 19 },
                Package () { 0x000DFFFF, 3, 0, 16 },
                Package () { 0x000EFFFF, 0, 0, 18 },
                Package () { 0x000EFFFF, 1, 0, 19 },
                Package () { 0x000EFFFF, 2, 0, 16 },
                Package () { 0x000EFFFF, 3, 0, 17 },
                Package () { 0x000FFFFF, 0, 0, 19 },
                Package () { 0x000FFFFF, 1, 0, 16 },
                Package () { 0x000FFFFF, 2, 0, 17 },
                Package () { 0x000FFFFF, 3, 0, 18 },
                Package () { 0x0010FFFF, 0, 0, 16 },
                Package () { 0x0010FFFF, 1, 0, 17 },
                Package () { 0x0010FFFF, 2, 0, 18 },
                Package () { 0x0010FFFF, 3, 0, 19 },
                Package () { 0x0011FFFF, 0, 0, 17 },
                Package () { 0x0011FFFF, 1, 0, 18 },
                Package () { 0x0011FFFF, 2, 0, 19 },
                Package () { 0x0011FFFF, 3, 0, 16 },
                Package () { 0x0012FFFF, 0, 0, 18 },
                Package () { 0x0012FFFF, 1, 0, 19 },
                Package () { 0x0012FFFF, 2, 0, 16 },
                Package () { 0x0012FFFF, 3, 0, 17 },
                Package () { 0x0013FFFF, 0, 0, 19 },
                Package () { 0x0013FFFF, 1, 0, 16 },
                Package () { 0x0013FFFF, 2, 0, 17 },
                Package () { 0x0013FFFF, 3, 0, 18 },
                Package () { 0x0014FFFF, 0, 0, 16 },
                Package () { 0x0014FFFF, 1, 0, 17 },
                Package () { 0x0014FFFF, 2, 0, 18 },
                Package () { 0x0014FFFF, 3, 0, 19 },
                Package () { 0x0015FFFF, 0, 0, 17 },
                Package () { 0x0015FFFF, 1, 0, 18 },
                Package () { 0x0015FFFF, 2, 0, 19 },
                Package () { 0x0015FFFF, 3, 0, 16 },
                Package () { 0x0016FFFF, 0, 0, 18 },
                Package () { 0x0016FFFF, 1, 0, 19 },
                Package () { 0x0016FFFF, 2, 0, 16 },
                Package () { 0x0016FFFF, 3, 0, 17 },
                Package () { 0x0017FFFF, 0, 0, 19 },
                Package () { 0x0017FFFF, 1, 0, 16 },
                Package () { 0x0017FFFF, 2, 0, 17 },
                Package () { 0x0017FFFF, 3, 0, 18 },
                Package () { 0x0018FFFF, 0, 0, 16 },
                Package () { 0x0018FFFF, 1, 0, 17 },
                Package () { 0x0018FFFF, 2, 0, 18 },
                Package () { 0x0018FFFF, 3, 0, 19 },
                Package () { 0x0019FFFF, 0, 0, 17 },
                Package () { 0x0019FFFF, 1, 0, 18 },
                Package () { 0x0019FFFF, 2, 0, 19 },
                Package () { 0x0019FFFF, 3, 0, 16 },
                Package () { 0x001AFFFF, 0, 0, 18 },
                Package () { 0x001AFFFF, 1, 0, 19 },
                Package () { 0x001AFFFF, 2, 0, 16 },
                Package () { 0x001AFFFF, 3, 0, 17 },
                Package () { 0x001BFFFF, 0, 0, 19 },
                Package () { 0x001BFFFF, 1, 0, 16 },
                Package () { 0x001BFFFF, 2, 0, 17 },
                Package () { 0x001BFFFF, 3, 0, 18 },
                Package () { 0x001CFFFF, 0, 0, 16 },
                Package () { 0x001CFFFF, 1, 0, 17 },
                Package () { 0x001CFFFF, 2, 0, 18 },
                Package () { 0x001CFFFF, 3, 0, 19 },
                Package () { 0x001DFFFF, 0, 0, 17 },
                Package () { 0x001DFFFF, 1, 0, 18 },
                Package () { 0x001DFFFF, 2, 0, 19 },
                Package () { 0x001DFFFF, 3, 0, 16 },
                Package () { 0x001EFFFF, 0, 0, 18 },
                Package () { 0x001EFFFF, 1, 0, 19 },
                Package () { 0x001EFFFF, 2, 0, 16 },
                Package () { 0x001EFFFF, 3, 0, 17 },
                Package () { 0x001FFFFF, 0, 0, 19 },
                Package () { 0x001FFFFF, 1, 0, 16 },
                Package () { 0x001FFFFF, 2, 0, 17 },
                Package () { 0x001FFFFF, 3, 0, 18 }
            })
        }
    }
    Name (_S5, Package (0x04) { 0, 0, 0, 0 })
}
