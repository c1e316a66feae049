/*
 * Polling 16550 UART on COM1. No interrupts: transmit waits for LSR.THRE,
 * which keeps the driver correct on any 16550 model, QEMU's or jkvm's.
 * With several CPUs running, whole lines go out under one lock.
 */
#include <stdint.h>

#include "console.h"
#include "io.h"
#include "spinlock.h"

/* I/O base of COM1. */
#define COM1_BASE 0x3f8
/* Transmit holding register (write, DLAB=0). */
#define UART_THR 0
/* Divisor latch, low byte (DLAB=1). */
#define UART_DLL 0
/* Interrupt enable register (DLAB=0). */
#define UART_IER 1
/* Divisor latch, high byte (DLAB=1). */
#define UART_DLM 1
/* FIFO control register (write). */
#define UART_FCR 2
/* Line control register. */
#define UART_LCR 3
/* Modem control register. */
#define UART_MCR 4
/* Line status register. */
#define UART_LSR 5
/* LCR: divisor latch access bit. */
#define LCR_DLAB 0x80
/* LCR: 8 data bits, no parity, 1 stop bit. */
#define LCR_8N1 0x03
/* FCR: enable FIFOs, clear both, receive trigger at 14 bytes. */
#define FCR_ENABLE_CLEAR_14 0xc7
/* MCR: DTR and RTS asserted. */
#define MCR_DTR_RTS 0x03
/* LSR: transmit holding register empty. */
#define LSR_THRE 0x20
/* Divisor for 115200 baud from the 1.8432 MHz UART clock (1843200 / 16 / 115200). */
#define DIVISOR_115200 1

static struct spinlock console_spinlock;

void console_lock(void) {
    spin_lock(&console_spinlock);
}

void console_unlock(void) {
    spin_unlock(&console_spinlock);
}

void console_init(void) {
    outb(COM1_BASE + UART_IER, 0);
    outb(COM1_BASE + UART_LCR, LCR_DLAB);
    outb(COM1_BASE + UART_DLL, DIVISOR_115200 & 0xff);
    outb(COM1_BASE + UART_DLM, DIVISOR_115200 >> 8);
    outb(COM1_BASE + UART_LCR, LCR_8N1);
    outb(COM1_BASE + UART_FCR, FCR_ENABLE_CLEAR_14);
    outb(COM1_BASE + UART_MCR, MCR_DTR_RTS);
}

static void uart_put(char c) {
    while ((inb(COM1_BASE + UART_LSR) & LSR_THRE) == 0) {
        __asm__ volatile("pause");
    }
    outb(COM1_BASE + UART_THR, (uint8_t)c);
}

void console_putc(char c) {
    /* Terminals in raw mode (QEMU -serial stdio) need the carriage return spelled out. */
    if (c == '\n') {
        uart_put('\r');
    }
    uart_put(c);
}

void console_write(const char *s) {
    console_lock();
    while (*s != '\0') {
        console_putc(*s++);
    }
    console_unlock();
}
