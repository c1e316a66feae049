// SPDX-License-Identifier: Apache-2.0
/*
 * kvm_floor: the smallest VMM that can run the jkvm test OS benchmarks.
 *
 * It is the floor jkvm's exit latency is measured against: a C loop around
 * KVM_RUN that does nothing on the benchmarked exit but note the time, so any
 * cost above it is the VMM's own. Not part of the product (jkvm has no C).
 *
 * Usage: kvm_floor <pvh-elf> "bench=pio iters=N"   (or bench=mmio)
 * Prints the guest's serial output, then
 *   floor <pio|mmio> exits=<n> ns_per_exit=<x>
 * and exits 0 once the guest powers off; exits 1 on anything unexpected.
 *
 * Boot protocol: Xen PVH (xen/include/public/arch-x86/hvm/start_info.h):
 * 32-bit protected mode, paging off, flat segments, %ebx = &hvm_start_info.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define GUEST_RAM_SIZE       (128UL << 20) /* one memory slot at guest-physical 0 */
#define TSS_ADDR             0xfffbd000UL  /* 3 pages below 4 GiB KVM may use for real-mode emulation (VMX) */
#define LOW_RAM_END          0x9fc00UL     /* end of conventional RAM, where a PC's EBDA begins */
#define EBDA_END             0xa0000UL     /* end of the EBDA, start of the VGA hole */
#define BIOS_START           0xf0000UL     /* system BIOS area, reserved in the memmap */
#define HIGH_RAM_START       0x100000UL    /* 1 MiB: where RAM resumes above the BIOS */
#define START_INFO_ADDR      0x6000UL      /* where the hvm_start_info is placed, below the kernel */
#define MEMMAP_ADDR          0x6100UL      /* where the memmap table is placed */
#define CMDLINE_ADDR         0x7000UL      /* where the command line is placed */
#define CMDLINE_MAX          0x1000UL      /* room for the command line, NUL included */
#define BOOT_DATA_END        (CMDLINE_ADDR + CMDLINE_MAX) /* ELF segments must not overlap the boot data */

#define HVM_START_MAGIC      0x336ec578U   /* hvm_start_info.magic: "xEn3" with bit 7 of 'E' set */
#define HVM_START_VERSION    1U            /* version 1 adds memmap_paddr/memmap_entries */
#define XEN_HVM_MEMMAP_TYPE_RAM      1U    /* memmap entry type: usable RAM */
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2U    /* memmap entry type: reserved */
#define XEN_ELFNOTE_PHYS32_ENTRY     18U   /* ELF note type: 32-bit physical PVH entry point */

#define PORT_POST            0x80   /* POST diagnostic port: the pio benchmark's target */
#define PORT_DEBUG_EXIT      0xf4   /* QEMU isa-debug-exit: the test OS's pass/fail port */
#define COM1_BASE            0x3f8  /* first 16550 UART */
#define COM1_PORTS           8      /* registers of a 16550 */
#define UART_THR             0      /* transmit holding register (write, DLAB=0) */
#define UART_IIR             2      /* interrupt identification register (read) */
#define UART_LCR             3      /* line control register */
#define UART_LSR             5      /* line status register (read) */
#define UART_LCR_DLAB        0x80   /* LCR bit: registers 0/1 are the baud divisor */
#define UART_IIR_NO_INT      0x01   /* IIR value: no interrupt pending */
#define UART_LSR_IDLE        0x60   /* LSR value: THRE | TEMT, the transmitter is always ready */
#define PORT_PM1A_CNT        0x604  /* ACPI PM1a control (PIIX4 PM base 0x600 + 4): a write powers off */
#define MMIO_BENCH_ADDR      0xd0000000UL /* no RAM or device here: the mmio benchmark's target */

#define X86_CR0_PE           0x1UL  /* CR0: protected mode enable */
#define RFLAGS_RESERVED      0x2UL  /* RFLAGS bit 1 is reserved and reads as 1 */
#define SEG_TYPE_CODE_RX     0xb    /* code, execute/read, accessed */
#define SEG_TYPE_DATA_RW     0x3    /* data, read/write, accessed */
#define SEG_TYPE_TSS32_BUSY  0xb    /* system: busy 32-bit TSS (VMX refuses an available TSS in TR) */
#define SEG_TYPE_LDT         0x2    /* system: LDT */
#define SEL_CODE             0x10   /* PVH does not fix selectors; these mirror Linux's boot GDT */
#define SEL_DATA             0x18   /* flat data selector */
#define SEL_TSS              0x20   /* TSS selector */
#define TSS_LIMIT            0x67   /* 104-byte 32-bit TSS */
#define LDT_LIMIT            0xffff /* any limit: the LDT is only loaded to satisfy entry checks */
#define CPUID_MAX_ENTRIES    256    /* the most entries KVM_GET_SUPPORTED_CPUID returns */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

enum bench_kind { BENCH_PIO, BENCH_MMIO };

/* The exits of the benchmarked kind: their number and the first and last time stamps. */
struct bench {
	enum bench_kind kind;
	uint64_t exits;
	struct timespec first, last;
};

struct vm {
	int kvm, vm, vcpu;
	uint8_t *ram;
	struct kvm_run *run;
	uint8_t uart[COM1_PORTS];
	bool serial_at_line_start;
};

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("kvm_floor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void __attribute__((noreturn)) die_errno(const char *call)
{
	die("%s failed: %s (errno %d)", call, strerror(errno), errno);
}

static int kvm_ioctl(int fd, unsigned long req, const char *name, void *arg)
{
	int ret = ioctl(fd, req, arg);

	if (ret < 0)
		die_errno(name);
	return ret;
}
#define KVM(fd, req, arg) kvm_ioctl(fd, req, #req, (void *)(arg))

static uint8_t *guest_ptr(struct vm *vm, uint64_t gpa, uint64_t len, const char *what)
{
	if (gpa > GUEST_RAM_SIZE || len > GUEST_RAM_SIZE - gpa)
		die("%s [0x%" PRIx64 ", +0x%" PRIx64 ") is outside guest RAM (%lu MiB)",
		    what, gpa, len, GUEST_RAM_SIZE >> 20);
	return vm->ram + gpa;
}

/* One program header, whatever the ELF class. */
struct segment {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz;
};

static struct segment elf_segment(const uint8_t *elf, size_t size, unsigned i)
{
	const Elf64_Ehdr *eh64 = (const void *)elf;
	const Elf32_Ehdr *eh32 = (const void *)elf;
	bool is64 = elf[EI_CLASS] == ELFCLASS64;
	uint64_t phoff = is64 ? eh64->e_phoff : eh32->e_phoff;
	uint64_t phentsize = is64 ? eh64->e_phentsize : eh32->e_phentsize;
	uint64_t at = phoff + i * phentsize;

	if (at > size || size - at < (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		die("program header %u lies outside the ELF file", i);
	if (is64) {
		const Elf64_Phdr *ph = (const void *)(elf + at);
		return (struct segment){ ph->p_type, ph->p_offset, ph->p_paddr, ph->p_filesz, ph->p_memsz };
	}
	const Elf32_Phdr *ph = (const void *)(elf + at);
	return (struct segment){ ph->p_type, ph->p_offset, ph->p_paddr, ph->p_filesz, ph->p_memsz };
}

/* Returns the PVH entry from a PT_NOTE segment, or 0 if this one has none. */
static uint32_t pvh_entry_in(const uint8_t *elf, struct segment s)
{
	const uint8_t *notes = elf + s.offset;
	uint64_t at = 0;

	while (s.filesz - at >= sizeof(Elf64_Nhdr)) { /* Elf32_Nhdr has the same layout */
		const Elf64_Nhdr *n = (const void *)(notes + at);
		uint64_t name_at = at + sizeof(*n);
		uint64_t desc_at = name_at + ((n->n_namesz + 3ULL) & ~3ULL);
		uint64_t next_at = desc_at + ((n->n_descsz + 3ULL) & ~3ULL);

		if (desc_at + n->n_descsz > s.filesz)
			break;
		if (n->n_type == XEN_ELFNOTE_PHYS32_ENTRY && n->n_namesz == 4 &&
		    memcmp(notes + name_at, "Xen", 4) == 0 && n->n_descsz >= 4) {
			uint32_t entry; /* the note may hold 4 or 8 bytes; the entry is below 4 GiB either way */
			memcpy(&entry, notes + desc_at, sizeof(entry));
			return entry;
		}
		if (next_at > s.filesz)
			break;
		at = next_at;
	}
	return 0;
}

/* Copies the PT_LOAD segments to their physical addresses; returns the PVH entry point. */
static uint32_t load_elf(struct vm *vm, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0)
		die("cannot open %s: %s", path, strerror(errno));
	size_t size = st.st_size;
	uint8_t *elf = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (elf == MAP_FAILED || size < sizeof(Elf64_Ehdr) || memcmp(elf, ELFMAG, SELFMAG) != 0 ||
	    (elf[EI_CLASS] != ELFCLASS64 && elf[EI_CLASS] != ELFCLASS32))
		die("%s is not an ELF file", path);

	unsigned phnum = elf[EI_CLASS] == ELFCLASS64 ? ((Elf64_Ehdr *)elf)->e_phnum
						      : ((Elf32_Ehdr *)elf)->e_phnum;
	uint32_t entry = 0;

	for (unsigned i = 0; i < phnum; i++) {
		struct segment s = elf_segment(elf, size, i);

		if (s.type != PT_LOAD && s.type != PT_NOTE)
			continue;
		if (s.offset > size || s.filesz > size - s.offset || s.filesz > s.memsz)
			die("segment %u of %s has a bad file range", i, path);
		if (s.type == PT_NOTE) {
			if (!entry)
				entry = pvh_entry_in(elf, s);
			continue;
		}
		if (s.paddr < BOOT_DATA_END)
			die("segment %u loads at 0x%" PRIx64 ", over the boot data below 0x%lx",
			    i, s.paddr, BOOT_DATA_END);
		uint8_t *dst = guest_ptr(vm, s.paddr, s.memsz, "ELF segment");
		memcpy(dst, elf + s.offset, s.filesz);
		memset(dst + s.filesz, 0, s.memsz - s.filesz);
	}
	munmap(elf, size);
	if (!entry)
		die("%s has no Xen PVH note (XEN_ELFNOTE_PHYS32_ENTRY)", path);
	return entry;
}

static void write_start_info(struct vm *vm, const char *cmdline)
{
	static const struct hvm_memmap_table_entry memmap[] = {
		{ 0, LOW_RAM_END, XEN_HVM_MEMMAP_TYPE_RAM, 0 },
		{ LOW_RAM_END, EBDA_END - LOW_RAM_END, XEN_HVM_MEMMAP_TYPE_RESERVED, 0 },
		{ BIOS_START, HIGH_RAM_START - BIOS_START, XEN_HVM_MEMMAP_TYPE_RESERVED, 0 },
		{ HIGH_RAM_START, GUEST_RAM_SIZE - HIGH_RAM_START, XEN_HVM_MEMMAP_TYPE_RAM, 0 },
	};
	struct hvm_start_info info = {
		.magic = HVM_START_MAGIC,
		.version = HVM_START_VERSION,
		.cmdline_paddr = CMDLINE_ADDR,
		.memmap_paddr = MEMMAP_ADDR,
		.memmap_entries = ARRAY_SIZE(memmap),
	};
	size_t len = strlen(cmdline) + 1;

	if (len > CMDLINE_MAX)
		die("command line is %zu bytes; at most %lu fit", len, CMDLINE_MAX);
	memcpy(guest_ptr(vm, CMDLINE_ADDR, len, "command line"), cmdline, len);
	memcpy(guest_ptr(vm, MEMMAP_ADDR, sizeof(memmap), "memmap"), memmap, sizeof(memmap));
	memcpy(guest_ptr(vm, START_INFO_ADDR, sizeof(info), "start info"), &info, sizeof(info));
}

static void set_cpuid(struct vm *vm)
{
	size_t bytes = sizeof(struct kvm_cpuid2) + CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *cpuid = calloc(1, bytes);

	if (!cpuid)
		die("out of memory for %d CPUID entries", CPUID_MAX_ENTRIES);
	cpuid->nent = CPUID_MAX_ENTRIES;
	KVM(vm->kvm, KVM_GET_SUPPORTED_CPUID, cpuid);
	KVM(vm->vcpu, KVM_SET_CPUID2, cpuid);
	free(cpuid);
}

static struct kvm_segment flat_segment(uint16_t selector, uint8_t type)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = selector, .type = type,
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
}

/* The PVH entry state: 32-bit protected mode, paging off, flat segments. */
static void set_entry_state(struct vm *vm, uint32_t entry)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = entry, .rbx = START_INFO_ADDR, .rflags = RFLAGS_RESERVED };

	KVM(vm->vcpu, KVM_GET_SREGS, &sregs);
	sregs.cs = flat_segment(SEL_CODE, SEG_TYPE_CODE_RX);
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = flat_segment(SEL_DATA, SEG_TYPE_DATA_RW);
	sregs.tr = (struct kvm_segment){ .selector = SEL_TSS, .limit = TSS_LIMIT,
					 .type = SEG_TYPE_TSS32_BUSY, .present = 1 };
	sregs.ldt = (struct kvm_segment){ .limit = LDT_LIMIT, .type = SEG_TYPE_LDT, .present = 1 };
	sregs.cr0 = X86_CR0_PE;
	sregs.cr4 = 0;
	sregs.efer = 0;
	KVM(vm->vcpu, KVM_SET_SREGS, &sregs);
	KVM(vm->vcpu, KVM_SET_REGS, &regs);
}

static void create_vm(struct vm *vm)
{
	vm->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm < 0)
		die("cannot open /dev/kvm: %s", strerror(errno));
	int version = KVM(vm->kvm, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION)
		die("KVM API version %d, expected %d", version, KVM_API_VERSION);
	vm->vm = KVM(vm->kvm, KVM_CREATE_VM, 0);
	KVM(vm->vm, KVM_SET_TSS_ADDR, TSS_ADDR);

	vm->ram = mmap(NULL, GUEST_RAM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED)
		die_errno("mmap of guest RAM");
	struct kvm_userspace_memory_region slot = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = GUEST_RAM_SIZE,
		.userspace_addr = (uintptr_t)vm->ram,
	};
	KVM(vm->vm, KVM_SET_USER_MEMORY_REGION, &slot);

	vm->vcpu = KVM(vm->vm, KVM_CREATE_VCPU, 0);
	int run_size = KVM(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	vm->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu, 0);
	if (vm->run == MAP_FAILED)
		die_errno("mmap of kvm_run");
	vm->serial_at_line_start = true;
}

static void note_bench_exit(struct bench *b)
{
	clock_gettime(CLOCK_MONOTONIC, &b->last);
	if (b->exits++ == 0)
		b->first = b->last;
}

/* A 16550 that is always ready to send and never receives: just enough for a polled console. */
static void uart_access(struct vm *vm, unsigned reg, bool out, uint8_t *data)
{
	bool dlab = vm->uart[UART_LCR] & UART_LCR_DLAB;

	if (out) {
		if (reg == UART_THR && !dlab) {
			putchar(*data);
			vm->serial_at_line_start = *data == '\n';
		} else {
			vm->uart[reg] = *data;
		}
		return;
	}
	switch (reg) {
	case UART_LSR: *data = UART_LSR_IDLE; break;
	case UART_IIR: *data = UART_IIR_NO_INT; break;
	case UART_THR: *data = dlab ? vm->uart[reg] : 0; break;
	default: *data = vm->uart[reg]; break;
	}
}

/* Returns true when the guest asked to power off. */
static bool handle_io(struct vm *vm, struct bench *b)
{
	struct kvm_run *run = vm->run;
	uint16_t port = run->io.port;
	bool out = run->io.direction == KVM_EXIT_IO_OUT;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;

	if (port == PORT_POST) {
		if (b->kind == BENCH_PIO)
			note_bench_exit(b);
		return false;
	}
	for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size) {
		if (port >= COM1_BASE && port < COM1_BASE + COM1_PORTS && run->io.size == 1) {
			uart_access(vm, port - COM1_BASE, out, data);
		} else if (port == PORT_PM1A_CNT && out) {
			return true;
		} else if (port == PORT_DEBUG_EXIT && out) {
			die("the guest ended through debug-exit port 0x%x (value 0x%x) instead of powering off",
			    port, *data);
		} else {
			die("unexpected port I/O: %s port 0x%x size %u", out ? "out" : "in", port, run->io.size);
		}
	}
	return false;
}

static void handle_mmio(struct vm *vm, struct bench *b)
{
	struct kvm_run *run = vm->run;

	if (run->mmio.phys_addr != MMIO_BENCH_ADDR || b->kind != BENCH_MMIO)
		die("unexpected MMIO: %s 0x%llx len %u", run->mmio.is_write ? "write" : "read",
		    run->mmio.phys_addr, run->mmio.len);
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
	note_bench_exit(b);
}

static void __attribute__((noreturn)) die_on_exit(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	struct kvm_regs regs;

	KVM(vm->vcpu, KVM_GET_REGS, &regs);
	switch (run->exit_reason) {
	case KVM_EXIT_INTERNAL_ERROR:
		fprintf(stderr, "kvm_floor: KVM_EXIT_INTERNAL_ERROR suberror %u%s at rip 0x%llx, data:",
			run->internal.suberror,
			run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ? " (emulation failure)" : "",
			regs.rip);
		for (uint32_t i = 0; i < run->internal.ndata && i < ARRAY_SIZE(run->internal.data); i++)
			fprintf(stderr, " 0x%llx", run->internal.data[i]);
		fputc('\n', stderr);
		exit(1);
	case KVM_EXIT_FAIL_ENTRY:
		die("KVM_EXIT_FAIL_ENTRY: hardware entry failure reason 0x%llx at rip 0x%llx",
		    run->fail_entry.hardware_entry_failure_reason, regs.rip);
	case KVM_EXIT_SHUTDOWN:
		die("KVM_EXIT_SHUTDOWN (triple fault) at rip 0x%llx", regs.rip);
	default:
		die("unexpected exit reason %u at rip 0x%llx", run->exit_reason, regs.rip);
	}
}

static enum bench_kind parse_bench(const char *cmdline)
{
	if (strstr(cmdline, "bench=pio"))
		return BENCH_PIO;
	if (strstr(cmdline, "bench=mmio"))
		return BENCH_MMIO;
	die("command line \"%s\" names no benchmark (bench=pio or bench=mmio)", cmdline);
}

int main(int argc, char **argv)
{
	struct vm vm = { 0 };
	struct bench b = { 0 };

	if (argc != 3)
		die("usage: kvm_floor <pvh-elf> \"bench=pio|mmio iters=N\"");
	b.kind = parse_bench(argv[2]);
	create_vm(&vm);
	uint32_t entry = load_elf(&vm, argv[1]);
	write_start_info(&vm, argv[2]);
	set_cpuid(&vm);
	set_entry_state(&vm, entry);

	for (bool done = false; !done;) {
		if (ioctl(vm.vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die_errno("KVM_RUN");
		}
		switch (vm.run->exit_reason) {
		case KVM_EXIT_IO:   done = handle_io(&vm, &b); break;
		case KVM_EXIT_MMIO: handle_mmio(&vm, &b); break;
		case KVM_EXIT_HLT:  done = true; break;
		default:            die_on_exit(&vm);
		}
	}

	if (b.exits < 2)
		die("the guest made %" PRIu64 " benchmark exits; at least 2 are needed to time one", b.exits);
	double ns = (b.last.tv_sec - b.first.tv_sec) * 1e9 + (b.last.tv_nsec - b.first.tv_nsec);
	printf("%sfloor %s exits=%" PRIu64 " ns_per_exit=%.1f\n", vm.serial_at_line_start ? "" : "\n",
	       b.kind == BENCH_PIO ? "pio" : "mmio", b.exits, ns / (b.exits - 1));
	return 0;
}
