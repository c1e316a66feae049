/*
 * Application processor start-up (Intel SDM vol. 3, "MP Initialization"):
 * the boot CPU copies the real-mode trampoline below 1 MiB, gives every AP a
 * kernel stack (looked up by APIC ID in ap_stack_tops, because all APs run
 * the same entry code at once), and sends each INIT, then two SIPIs. The
 * APs come up in whatever order the host schedules them; each then waits for
 * its turn, so the console shows them in APIC-ID order under QEMU and jkvm
 * alike.
 */
#include <stdbool.h>
#include <stddef.h>

#include "bootinfo.h"
#include "console.h"
#include "cpu.h"
#include "kstring.h"
#include "power.h"
#include "smp.h"
#include "x86.h"

/* Wait between INIT and the first SIPI, as the SDM's start-up algorithm asks. */
#define INIT_TO_SIPI_MS 10
/* Wait between the two SIPIs (the SDM's 200 µs, rounded up to what the TSC delay counts in). */
#define SIPI_TO_SIPI_MS 1
/*
 * How long all APs together may take to come up and print. Real mode and
 * ring 0 are emulated on this host, and with more vCPUs than host cores the
 * APs also wait for a core.
 */
#define AP_TIMEOUT_MS 60000
/* Polls of ICR.delivery-status before an IPI counts as stuck. */
#define ICR_POLLS_MAX 100000u

uint64_t ap_stack_tops[LAPIC_XAPIC_IDS];

/* The start-up's shared state: written by the boot CPU before the IPIs, then by each AP in its turn. */
static struct {
    uint32_t cpus;                        /* CPUs in the MADT, the boot CPU included */
    uint32_t apic_ids[MAX_CPUS];          /* slot -> APIC ID; slot 0 is the boot CPU, the APs ascend */
    uint32_t slot_of_apic_id[LAPIC_XAPIC_IDS];
    uint32_t turn;                        /* the slot allowed to print next */
    bool arrived[MAX_CPUS];               /* the AP reached C code */
    uint32_t up;                          /* APs that printed */
} smp;

/* C entry of every AP, called by ap_start64 on the stack from ap_stack_tops. */
_Noreturn void ap_main(uint32_t apic_id);

void ap_main(uint32_t apic_id) {
    uint32_t slot = smp.slot_of_apic_id[apic_id];
    cpu_init_ap(slot);
    __atomic_store_n(&smp.arrived[slot], true, __ATOMIC_RELEASE);
    while (__atomic_load_n(&smp.turn, __ATOMIC_ACQUIRE) != slot) {
        cpu_relax();
    }
    kprintf("AP %u up\n", apic_id);
    __atomic_fetch_add(&smp.up, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&smp.turn, slot + 1, __ATOMIC_RELEASE);
    halt_forever();
}

static const char *send_ipi(uint64_t lapic, uint32_t apic_id, uint32_t command) {
    static char error[96];
    lapic_write(lapic, LAPIC_REG_ICR_HIGH, apic_id << LAPIC_ID_SHIFT);
    lapic_write(lapic, LAPIC_REG_ICR_LOW, command);
    for (uint32_t polls = 0; polls < ICR_POLLS_MAX; polls++) {
        if ((lapic_read(lapic, LAPIC_REG_ICR_LOW) & ICR_SEND_PENDING) == 0) {
            return NULL;
        }
        cpu_relax();
    }
    ksnprintf(error, sizeof(error), "IPI 0x%x to APIC ID %u still pending after %u polls of the ICR", command,
              apic_id, ICR_POLLS_MAX);
    return error;
}

/* The boot CPU's local APIC, checked to be where ap_start64 reads the AP's ID. */
static const char *boot_lapic(const struct madt_info *madt, uint64_t *lapic) {
    static char error[128];
    uint64_t base_msr = rdmsr(MSR_IA32_APIC_BASE);
    *lapic = base_msr & APIC_BASE_ADDRESS_MASK;
    if (!(base_msr & APIC_BASE_ENABLE) || (base_msr & APIC_BASE_X2APIC)) {
        ksnprintf(error, sizeof(error), "IA32_APIC_BASE is 0x%lx: the local APIC is not enabled in xAPIC mode",
                  base_msr);
        return error;
    }
    if (*lapic != LAPIC_DEFAULT_BASE || madt->local_apic_address != LAPIC_DEFAULT_BASE) {
        ksnprintf(error, sizeof(error), "local APIC at %lx (IA32_APIC_BASE) and %lx (MADT), expected both at %x",
                  *lapic, madt->local_apic_address, LAPIC_DEFAULT_BASE);
        return error;
    }
    return NULL;
}

/* Assigns slots: the boot CPU is slot 0, the APs follow in APIC-ID order (the MADT's IDs are sorted). */
static const char *assign_slots(const struct madt_info *madt, uint32_t boot_apic_id) {
    static char error[128];
    if (madt->cpu_count > MAX_CPUS) {
        ksnprintf(error, sizeof(error), "the MADT lists %u CPUs; the test OS has room for %u", madt->cpu_count,
                  MAX_CPUS);
        return error;
    }
    bool boot_listed = false;
    smp.cpus = madt->cpu_count;
    smp.apic_ids[0] = boot_apic_id;
    uint32_t slot = 1;
    for (uint32_t i = 0; i < madt->cpu_count; i++) {
        uint32_t id = madt->apic_ids[i];
        if (id >= LAPIC_XAPIC_IDS) {
            ksnprintf(error, sizeof(error), "APIC ID %u does not fit in xAPIC mode", id);
            return error;
        }
        if (id == boot_apic_id) {
            boot_listed = true;
            continue;
        }
        if (slot == madt->cpu_count) {
            break;
        }
        smp.apic_ids[slot] = id;
        smp.slot_of_apic_id[id] = slot;
        ap_stack_tops[id] = cpu_kernel_stack_top(slot);
        slot++;
    }
    if (!boot_listed) {
        ksnprintf(error, sizeof(error), "the boot CPU's APIC ID %u is not in the MADT", boot_apic_id);
        return error;
    }
    return NULL;
}

static const char *timed_out(void) {
    static char error[160];
    size_t n = ksnprintf(error, sizeof(error), "%u of %u APs up after %u ms; not up (APIC IDs):",
                         __atomic_load_n(&smp.up, __ATOMIC_ACQUIRE), smp.cpus - 1, AP_TIMEOUT_MS);
    for (uint32_t slot = 1; slot < smp.cpus && n < sizeof(error); slot++) {
        if (slot >= __atomic_load_n(&smp.turn, __ATOMIC_ACQUIRE)) {
            n += ksnprintf(error + n, sizeof(error) - n, " %u%s", smp.apic_ids[slot],
                           __atomic_load_n(&smp.arrived[slot], __ATOMIC_ACQUIRE) ? " (arrived, waiting its turn)" : "");
        }
    }
    return error;
}

const char *smp_start_aps(const struct madt_info *madt, const struct boot_info *info) {
    uint64_t lapic;
    const char *problem = boot_lapic(madt, &lapic);
    if (problem != NULL) {
        return problem;
    }
    uint32_t boot_apic_id = lapic_read(lapic, LAPIC_REG_ID) >> LAPIC_ID_SHIFT;
    problem = assign_slots(madt, boot_apic_id);
    if (problem != NULL) {
        return problem;
    }
    if (smp.cpus == 1) {
        return NULL;
    }

    uint64_t trampoline_size = (uint64_t)(ap_trampoline_end - ap_trampoline_start);
    if (!boot_info_is_ram(info, AP_TRAMPOLINE_ADDR, trampoline_size)) {
        static char error[96];
        ksnprintf(error, sizeof(error), "the AP trampoline's page at %x is not RAM in the memory map",
                  AP_TRAMPOLINE_ADDR);
        return error;
    }
    memcpy((void *)AP_TRAMPOLINE_ADDR, ap_trampoline_start, trampoline_size);
    smp.turn = 1;
    compiler_barrier();
    /* Sending IPIs needs the APIC software-enabled; without a BIOS (jkvm) nobody else has done it. */
    lapic_write(lapic, LAPIC_REG_SVR, lapic_read(lapic, LAPIC_REG_SVR) | LAPIC_SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);

    for (uint32_t slot = 1; slot < smp.cpus; slot++) {
        problem = send_ipi(lapic, smp.apic_ids[slot], ICR_DELIVERY_INIT | ICR_LEVEL_ASSERT | ICR_TRIGGER_LEVEL);
        if (problem != NULL) {
            return problem;
        }
    }
    tsc_delay_ms(INIT_TO_SIPI_MS);
    for (int round = 0; round < 2; round++) {
        for (uint32_t slot = 1; slot < smp.cpus; slot++) {
            problem = send_ipi(lapic, smp.apic_ids[slot], ICR_DELIVERY_STARTUP | AP_TRAMPOLINE_VECTOR);
            if (problem != NULL) {
                return problem;
            }
        }
        tsc_delay_ms(SIPI_TO_SIPI_MS);
    }

    uint64_t start = rdtsc();
    while (__atomic_load_n(&smp.up, __ATOMIC_ACQUIRE) < smp.cpus - 1) {
        if (rdtsc() - start > AP_TIMEOUT_MS * TSC_TICKS_PER_MS) {
            return timed_out();
        }
        cpu_relax();
    }
    return NULL;
}
