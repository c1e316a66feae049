package dev.jkvm.launcher.linux;

/** Console transcripts recorded from real boots, for the parser's and the checks' unit tests. */
final class Transcripts {

    /**
     * The start of the Debian 6.1 cloud kernel's log under {@code qemu-system-x86_64 -enable-kvm -cpu qemu64,-cx16
     * -m 512 -smp 2 -kernel vmlinux -initrd <1028175-byte initramfs> -append "console=ttyS0 noxsave"} on this
     * host, lines unrelated to the facts left out, CR LF line ends as the serial port sends them.
     */
    static final String QEMU_512M_2CPUS = """
            [    0.000000] Linux version 6.1.0-56-cloud-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2\r
            [    0.000000] Command line: console=ttyS0 noxsave\r
            [    0.000000] BIOS-provided physical RAM map:\r
            [    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\r
            [    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x00000000000fffff] reserved\r
            [    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000001ffdffff] usable\r
            [    0.000000] BIOS-e820: [mem 0x000000001ffe0000-0x000000001fffffff] reserved\r
            [    0.000000] BIOS-e820: [mem 0x00000000feffc000-0x00000000feffffff] reserved\r
            [    0.000000] BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\r
            [    0.000000] BIOS-e820: [mem 0x000000fd00000000-0x000000ffffffffff] reserved\r
            [    0.000000] NX (Execute Disable) protection: active\r
            [    2.479938] x86/PAT: Configuration [0-7]: WB  WC  UC- UC  WB  WP  UC- WT  \r
            [    3.894464] RAMDISK: [mem 0x1fedc000-0x1ffd7fff]\r
            [    3.900471] ACPI: Early table checksum verification disabled\r
            [    3.907854] ACPI: RSDP 0x00000000000F59D0 000014 (v00 BOCHS )\r
            [    3.919978] ACPI: RSDT 0x000000001FFE1AD8 000034 (v01 BOCHS  BXPC     00000001 BXPC 00000001)\r
            [    3.933221] ACPI: FACP 0x000000001FFE1984 000074 (v01 BOCHS  BXPC     00000001 BXPC 00000001)\r
            [    3.947481] ACPI: DSDT 0x000000001FFE0040 001944 (v01 BOCHS  BXPC     00000001 BXPC 00000001)\r
            [    3.960484] ACPI: FACS 0x000000001FFE0000 000040\r
            [    3.970473] ACPI: APIC 0x000000001FFE19F8 000080 (v01 BOCHS  BXPC     00000001 BXPC 00000001)\r
            [    3.983549] ACPI: HPET 0x000000001FFE1A78 000038 (v01 BOCHS  BXPC     00000001 BXPC 00000001)\r
            [    3.996560] ACPI: WAET 0x000000001FFE1AB0 000028 (v01 BOCHS  BXPC     00000001 BXPC 00000001)\r
            [    4.008532] ACPI: Reserving FACP table memory at [mem 0x1ffe1984-0x1ffe19f7]\r
            [   10.732415] ACPI: PM-Timer IO Port: 0x608\r
            [   10.797074] ACPI: Using ACPI (MADT) for SMP configuration information\r
            [   10.807462] smpboot: Allowing 2 CPUs, 0 hotplug CPUs\r
            [   30.952017] Kernel command line: console=ttyS0 noxsave\r
            [   36.511319] Memory: 219836K/523768K available (14343K kernel code, 2327K rwdata, 8348K rodata, 2612K init, 5436K bss, 52340K reserved, 0K cma-reserved)\r
            [   37.179073] SLUB: HWalign=64, Order=0-3, MinObjects=0, CPUs=2, Nodes=1\r
            """;

    /** The command line {@link #QEMU_512M_2CPUS} was booted with. */
    static final String QEMU_APPEND = "console=ttyS0 noxsave";

    /** The size of the initramfs {@link #QEMU_512M_2CPUS} was booted with: 252 pages, the last one partly. */
    static final long QEMU_INITRD_BYTES = 1_028_175;

    private Transcripts() {
    }
}
