package dev.jkvm.headers.kvm;

import dev.jkvm.headers.Libc;
import dev.jkvm.headers.NativeException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** This module's one /dev/kvm check: the system ioctls answer as the headers say (kvm-core tests the rest). */
class KvmSmokeTest {

    @Test
    void devKvmSpeaksApiVersion12() {
        int kvm;
        try {
            kvm = Libc.open("/dev/kvm", Libc.O_RDWR | Libc.O_CLOEXEC);
        } catch (NativeException e) {
            throw new AssertionError("this host cannot open /dev/kvm (" + e.getMessage()
                    + "): KVM is missing or not accessible", e);
        }
        try {
            assertEquals(KvmConstants.KVM_API_VERSION, Libc.ioctl(kvm, KvmIoctls.KVM_GET_API_VERSION));
            assertTrue(Libc.ioctl(kvm, KvmIoctls.KVM_CHECK_EXTENSION, KvmConstants.KVM_CAP_USER_MEMORY) > 0,
                    "KVM_CAP_USER_MEMORY");
            int mmapSize = Libc.ioctl(kvm, KvmIoctls.KVM_GET_VCPU_MMAP_SIZE);
            assertTrue(mmapSize >= KvmRun.LAYOUT.byteSize(),
                    "the vCPU mapping (" + mmapSize + " bytes) holds a kvm_run of " + KvmRun.LAYOUT.byteSize());
            // KVM_RUN is a vCPU ioctl: on the system fd it fails, and the exception says which request it was.
            NativeException misdirected = assertThrows(NativeException.class,
                    () -> Libc.ioctl(kvm, KvmIoctls.KVM_RUN));
            assertTrue(misdirected.getMessage().startsWith("ioctl(fd " + kvm + ", KVM_RUN, 0) failed: "),
                    misdirected.getMessage());
        } finally {
            Libc.close(kvm);
        }
    }
}
