package dev.jkvm.core;

import dev.jkvm.headers.kvm.KvmConstants;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KvmTest {
    @Test
    void opensDevKvmAndReportsWhatThisHostNeeds() {
        try (Kvm kvm = Kvm.open()) {
            assertTrue(kvm.vcpuMmapSize() >= 4096, "kvm_run mmap size " + kvm.vcpuMmapSize());
            assertTrue(kvm.has(KvmConstants.KVM_CAP_IRQCHIP), "in-kernel irqchip");
            assertTrue(kvm.has(KvmConstants.KVM_CAP_USER_MEMORY), "user memory");
            assertTrue(kvm.has(KvmConstants.KVM_CAP_IMMEDIATE_EXIT), "immediate_exit");
            assertEquals(0, kvm.checkExtension(-1), "an unknown capability is absent");
        }
    }

    @Test
    void missingDeviceIsAOneLineError() {
        VmmException e = assertThrows(VmmException.class, () -> Kvm.open(Path.of("/nonexistent/kvm")));
        assertEquals("/nonexistent/kvm not found (ENOENT): KVM is not available on this host", e.getMessage());
    }

    @Test
    void aFileThatIsNotKvmIsRefused() {
        VmmException e = assertThrows(VmmException.class, () -> Kvm.open(Path.of("/dev/null")));
        assertTrue(e.getMessage().contains("ENOTTY"), e.getMessage());
    }
}
