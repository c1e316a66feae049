package dev.jkvm.devices.serial;

/**
 * Register offsets and bits of the National Semiconductor PC16550D, named as its datasheet names them. Offsets are
 * relative to the UART's base port; which register an offset reaches depends on the access direction and on
 * LCR.DLAB.
 */
public final class UartRegisters {
    private UartRegisters() {
    }

    /** Depth of each of the receiver and transmitter FIFOs. */
    public static final int FIFO_DEPTH = 16;

    /** Receiver Buffer Register (read, DLAB = 0). */
    public static final int RBR = 0;
    /** Transmitter Holding Register (write, DLAB = 0). */
    public static final int THR = 0;
    /** Divisor Latch, least significant byte (DLAB = 1). */
    public static final int DLL = 0;
    /** Interrupt Enable Register (DLAB = 0). */
    public static final int IER = 1;
    /** Divisor Latch, most significant byte (DLAB = 1). */
    public static final int DLM = 1;
    /** Interrupt Identification Register (read). */
    public static final int IIR = 2;
    /** FIFO Control Register (write). */
    public static final int FCR = 2;
    /** Line Control Register. */
    public static final int LCR = 3;
    /** MODEM Control Register. */
    public static final int MCR = 4;
    /** Line Status Register. */
    public static final int LSR = 5;
    /** MODEM Status Register. */
    public static final int MSR = 6;
    /** Scratch Register. */
    public static final int SCR = 7;

    /** IER bit 0, ERBFI: enable the received data available (and character timeout) interrupt. */
    public static final int IER_ERBFI = 0x01;
    /** IER bit 1, ETBEI: enable the transmitter holding register empty interrupt. */
    public static final int IER_ETBEI = 0x02;
    /** IER bit 2, ELSI: enable the receiver line status interrupt. */
    public static final int IER_ELSI = 0x04;
    /** IER bit 3, EDSSI: enable the MODEM status interrupt. */
    public static final int IER_EDSSI = 0x08;
    /** IER bits the 16550A implements; bits 4..7 always read 0. */
    public static final int IER_WRITABLE = IER_ERBFI | IER_ETBEI | IER_ELSI | IER_EDSSI;

    /** IIR bit 0: set when no interrupt is pending (the bit is active low). */
    public static final int IIR_NO_INTERRUPT_PENDING = 0x01;
    /** IIR identification, priority 1: receiver line status (OE, PE, FE or BI). */
    public static final int IIR_RECEIVER_LINE_STATUS = 0x06;
    /** IIR identification, priority 2: received data available (RX FIFO at its trigger level). */
    public static final int IIR_RECEIVED_DATA_AVAILABLE = 0x04;
    /** IIR identification, priority 2: character timeout (data below the trigger level, receiver idle). */
    public static final int IIR_CHARACTER_TIMEOUT = 0x0C;
    /** IIR identification, priority 3: transmitter holding register empty. */
    public static final int IIR_THR_EMPTY = 0x02;
    /** IIR identification, priority 4: MODEM status (a delta bit is set in MSR). */
    public static final int IIR_MODEM_STATUS = 0x00;
    /** IIR bits 6..7: both set while FCR0 has the FIFOs enabled. */
    public static final int IIR_FIFOS_ENABLED = 0xC0;

    /** FCR bit 0: enable both FIFOs; changing it clears them. */
    public static final int FCR_FIFO_ENABLE = 0x01;
    /** FCR bit 1: clear the receiver FIFO (self-clearing). */
    public static final int FCR_RCVR_FIFO_RESET = 0x02;
    /** FCR bit 2: clear the transmitter FIFO (self-clearing). */
    public static final int FCR_XMIT_FIFO_RESET = 0x04;
    /** FCR bit 3: DMA mode select (RXRDY/TXRDY pin behaviour; no DMA exists here, the bit is only kept). */
    public static final int FCR_DMA_MODE_SELECT = 0x08;
    /** FCR bits 6..7: receiver FIFO trigger level, indexing {@link #RCVR_TRIGGER_LEVELS}. */
    public static final int FCR_RCVR_TRIGGER = 0xC0;
    /** Shift of the receiver trigger field within FCR. */
    public static final int FCR_RCVR_TRIGGER_SHIFT = 6;
    /** FCR bits that stay programmed (the reset bits are self-clearing). */
    public static final int FCR_PROGRAMMED = FCR_FIFO_ENABLE | FCR_DMA_MODE_SELECT | FCR_RCVR_TRIGGER;

    /** LCR bits 0..1, WLS: word length select (5 + value bits). */
    public static final int LCR_WORD_LENGTH = 0x03;
    /** LCR bit 2, STB: number of stop bits. */
    public static final int LCR_STB = 0x04;
    /** LCR bit 3, PEN: parity enable. */
    public static final int LCR_PEN = 0x08;
    /** LCR bit 4, EPS: even parity select. */
    public static final int LCR_EPS = 0x10;
    /** LCR bit 5: stick parity. */
    public static final int LCR_STICK_PARITY = 0x20;
    /** LCR bit 6: set break (forces the serial output spacing). */
    public static final int LCR_SET_BREAK = 0x40;
    /** LCR bit 7, DLAB: divisor latch access bit, maps DLL/DLM over RBR/THR/IER. */
    public static final int LCR_DLAB = 0x80;

    /** MCR bit 0: Data Terminal Ready output. */
    public static final int MCR_DTR = 0x01;
    /** MCR bit 1: Request To Send output. */
    public static final int MCR_RTS = 0x02;
    /** MCR bit 2: OUT1 user output. */
    public static final int MCR_OUT1 = 0x04;
    /** MCR bit 3: OUT2 user output; a PC uses it to gate the UART's interrupt onto the ISA IRQ line. */
    public static final int MCR_OUT2 = 0x08;
    /** MCR bit 4: local loopback diagnostic mode. */
    public static final int MCR_LOOP = 0x10;
    /** MCR bits the 16550A implements; bits 5..7 always read 0. */
    public static final int MCR_WRITABLE = MCR_DTR | MCR_RTS | MCR_OUT1 | MCR_OUT2 | MCR_LOOP;

    /** LSR bit 0, DR: data ready, at least one character in RBR or the RX FIFO. */
    public static final int LSR_DR = 0x01;
    /** LSR bit 1, OE: overrun error, a character arrived with no room for it. */
    public static final int LSR_OE = 0x02;
    /** LSR bit 2, PE: parity error on the character at the top of the RX FIFO. */
    public static final int LSR_PE = 0x04;
    /** LSR bit 3, FE: framing error on the character at the top of the RX FIFO. */
    public static final int LSR_FE = 0x08;
    /** LSR bit 4, BI: break interrupt, the input was held spacing for a whole character. */
    public static final int LSR_BI = 0x10;
    /** LSR bit 5, THRE: transmitter holding register (or TX FIFO) empty. */
    public static final int LSR_THRE = 0x20;
    /** LSR bit 6, TEMT: transmitter empty, both THR/TX FIFO and the shift register. */
    public static final int LSR_TEMT = 0x40;
    /** LSR bit 7: at least one parity, framing or break error among the characters in the RX FIFO. */
    public static final int LSR_RCVR_FIFO_ERROR = 0x80;
    /** LSR bits that raise the receiver line status interrupt and are cleared by reading LSR. */
    public static final int LSR_LINE_ERRORS = LSR_OE | LSR_PE | LSR_FE | LSR_BI;

    /** MSR bit 0, DCTS: CTS changed since MSR was last read. */
    public static final int MSR_DCTS = 0x01;
    /** MSR bit 1, DDSR: DSR changed since MSR was last read. */
    public static final int MSR_DDSR = 0x02;
    /** MSR bit 2, TERI: trailing edge of RI (RI went from on to off). */
    public static final int MSR_TERI = 0x04;
    /** MSR bit 3, DDCD: DCD changed since MSR was last read. */
    public static final int MSR_DDCD = 0x08;
    /** MSR bit 4: Clear To Send input (RTS in loopback). */
    public static final int MSR_CTS = 0x10;
    /** MSR bit 5: Data Set Ready input (DTR in loopback). */
    public static final int MSR_DSR = 0x20;
    /** MSR bit 6: Ring Indicator input (OUT1 in loopback). */
    public static final int MSR_RI = 0x40;
    /** MSR bit 7: Data Carrier Detect input (OUT2 in loopback). */
    public static final int MSR_DCD = 0x80;
    /** MSR delta bits; any of them set is the MODEM status interrupt condition, reading MSR clears them. */
    public static final int MSR_DELTAS = MSR_DCTS | MSR_DDSR | MSR_TERI | MSR_DDCD;

    /** Receiver FIFO trigger levels selected by FCR bits 6..7. */
    private static final int[] RCVR_TRIGGER_LEVELS = {1, 4, 8, 14};

    /** The receiver FIFO trigger level, in characters, that an FCR value selects. */
    public static int rcvrTriggerLevel(int fcr) {
        return RCVR_TRIGGER_LEVELS[(fcr & FCR_RCVR_TRIGGER) >>> FCR_RCVR_TRIGGER_SHIFT];
    }
}
