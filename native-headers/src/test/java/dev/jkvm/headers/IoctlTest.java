package dev.jkvm.headers;

import dev.jkvm.headers.kvm.KvmIoctls;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IoctlTest {

    @Test
    void kvmRequestNumbersAreTheKernelOnes() {
        assertEquals(0xAE00L, KvmIoctls.KVM_GET_API_VERSION.request());
        assertEquals(0xAE01L, KvmIoctls.KVM_CREATE_VM.request());
        assertEquals(0xAE80L, KvmIoctls.KVM_RUN.request());
        assertEquals(0x4020AE46L, KvmIoctls.KVM_SET_USER_MEMORY_REGION.request());
        assertEquals(0x8090AE81L, KvmIoctls.KVM_GET_REGS.request());
    }

    @Test
    void encodesEachDirection() {
        assertEquals(0x0000_1234L, Ioctl.io("T_IO", 0x12, 0x34).request());
        assertEquals(0x8008_1234L, Ioctl.ior("T_IOR", 0x12, 0x34, 8).request());
        assertEquals(0x4008_1234L, Ioctl.iow("T_IOW", 0x12, 0x34, 8).request());
        assertEquals(0xC008_1234L, Ioctl.iowr("T_IOWR", 0x12, 0x34, 8).request());
    }

    @Test
    void decodesItsFields() {
        Ioctl getRegs = KvmIoctls.KVM_GET_REGS;
        assertEquals(Ioctl._IOC_READ, getRegs.direction());
        assertEquals(0x90, getRegs.size());
        assertEquals(KvmIoctls.KVMIO, getRegs.type());
        assertEquals(0x81, getRegs.number());
        assertEquals(Ioctl._IOC_READ | Ioctl._IOC_WRITE, KvmIoctls.KVM_GET_SUPPORTED_CPUID.direction());
        assertEquals(Ioctl._IOC_NONE, KvmIoctls.KVM_RUN.direction());
    }

    @Test
    void rejectsFieldsThatDoNotFit() {
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> Ioctl.iow("T_BIG", 0xAE, 1, 1 << 14));
        assertTrue(tooBig.getMessage().contains("T_BIG") && tooBig.getMessage().contains("size 16384"),
                tooBig.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ioctl.io("T_TYPE", 0x100, 1));
        assertThrows(IllegalArgumentException.class, () -> Ioctl.io("T_NR", 0xAE, 256));
        assertThrows(IllegalArgumentException.class, () -> new Ioctl("T_WIDE", 1L << 32));
    }

    @Test
    void printsNameAndNumber() {
        assertEquals("KVM_RUN (0xae80)", KvmIoctls.KVM_RUN.toString());
    }
}
