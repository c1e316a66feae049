package dev.jkvm.headers;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeExceptionTest {

    @Test
    void messageNamesCallErrnoAndDescription() {
        NativeException e = new NativeException("ioctl(fd 7, KVM_CREATE_VCPU, 0)", Errno.EEXIST);
        assertEquals("ioctl(fd 7, KVM_CREATE_VCPU, 0) failed: EEXIST (File exists)", e.getMessage());
        assertEquals("ioctl(fd 7, KVM_CREATE_VCPU, 0)", e.call());
        assertEquals(Errno.EEXIST, e.errno());
        assertEquals("EEXIST", e.errnoName());
    }

    @Test
    void openOfAMissingPathReportsEnoentAndThePath() {
        String path = "/nonexistent-jkvm-dir/no-such-file";
        NativeException e = assertThrows(NativeException.class, () -> Libc.open(path, Libc.O_RDONLY));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.call().startsWith("open(\"" + path + "\""), e.call());
        assertTrue(e.getMessage().endsWith("failed: ENOENT (No such file or directory)"), e.getMessage());
    }

    @Test
    void unknownErrnoStillGivesAMessage() {
        NativeException e = new NativeException("frob()", 4095);
        assertEquals("frob() failed: E?4095 (Unknown error 4095)", e.getMessage());
    }
}
