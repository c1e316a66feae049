package dev.jkvm.devices.serial;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Everything a 16550A holds, for snapshots: each register as the guest would read it (LSR and MSR without the
 * side effects of reading them), the write-only FCR as last programmed, the last character read from RBR, the
 * THRE interrupt latch that has no register of its own, and the contents of both FIFOs, oldest byte first.
 * The arrays are copied in and out, so a state is immutable.
 */
public record UartState(
        int dll,
        int dlm,
        int ier,
        int fcr,
        int lcr,
        int mcr,
        int lsr,
        int msr,
        int scr,
        int rbr,
        boolean thrInterruptPending,
        byte[] rxFifo,
        byte[] txFifo) {

    public UartState {
        requireByte("dll", dll);
        requireByte("dlm", dlm);
        requireByte("ier", ier);
        requireByte("fcr", fcr);
        requireByte("lcr", lcr);
        requireByte("mcr", mcr);
        requireByte("lsr", lsr);
        requireByte("msr", msr);
        requireByte("scr", scr);
        requireByte("rbr", rbr);
        if ((ier & ~UartRegisters.IER_WRITABLE) != 0 || (mcr & ~UartRegisters.MCR_WRITABLE) != 0
                || (fcr & ~UartRegisters.FCR_PROGRAMMED) != 0) {
            throw new IllegalArgumentException("UART state sets unimplemented bits: ier=0x%02x mcr=0x%02x fcr=0x%02x"
                    .formatted(ier, mcr, fcr));
        }
        rxFifo = requireFifo("rxFifo", rxFifo);
        txFifo = requireFifo("txFifo", txFifo);
    }

    @Override
    public byte[] rxFifo() {
        return rxFifo.clone();
    }

    @Override
    public byte[] txFifo() {
        return txFifo.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UartState that
                && dll == that.dll && dlm == that.dlm && ier == that.ier && fcr == that.fcr && lcr == that.lcr
                && mcr == that.mcr && lsr == that.lsr && msr == that.msr && scr == that.scr && rbr == that.rbr
                && thrInterruptPending == that.thrInterruptPending
                && Arrays.equals(rxFifo, that.rxFifo) && Arrays.equals(txFifo, that.txFifo);
    }

    @Override
    public int hashCode() {
        int hash = java.util.Objects.hash(dll, dlm, ier, fcr, lcr, mcr, lsr, msr, scr, rbr, thrInterruptPending);
        return 31 * (31 * hash + Arrays.hashCode(rxFifo)) + Arrays.hashCode(txFifo);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return ("UartState[dll=0x%02x, dlm=0x%02x, ier=0x%02x, fcr=0x%02x, lcr=0x%02x, mcr=0x%02x, lsr=0x%02x, "
                + "msr=0x%02x, scr=0x%02x, rbr=0x%02x, thrInterruptPending=%b, rxFifo=[%s], txFifo=[%s]]")
                .formatted(dll, dlm, ier, fcr, lcr, mcr, lsr, msr, scr, rbr, thrInterruptPending,
                        hex.formatHex(rxFifo), hex.formatHex(txFifo));
    }

    private static void requireByte(String register, int value) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException("UART state %s=0x%x is not an 8-bit register value".formatted(register, value));
        }
    }

    private static byte[] requireFifo(String name, byte[] fifo) {
        if (fifo.length > UartRegisters.FIFO_DEPTH) {
            throw new IllegalArgumentException("UART state %s holds %d bytes, more than the %d-byte FIFO"
                    .formatted(name, fifo.length, UartRegisters.FIFO_DEPTH));
        }
        return fifo.clone();
    }
}
