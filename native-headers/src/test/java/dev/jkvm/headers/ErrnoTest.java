package dev.jkvm.headers;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ErrnoTest {

    @Test
    void namesAndDescribesKnownNumbers() {
        assertEquals("ENOENT", Errno.name(2));
        assertEquals("No such file or directory", Errno.description(2));
        assertEquals("ENOTTY", Errno.name(Errno.ENOTTY));
        assertEquals("Inappropriate ioctl for device", Errno.description(Errno.ENOTTY));
        assertEquals("EOPNOTSUPP", Errno.name(95));
        assertEquals("EAGAIN", Errno.name(11));
    }

    @Test
    void unknownNumbersGetAPlaceholder() {
        assertEquals("E?200", Errno.name(200));
        assertEquals("Unknown error 200", Errno.description(200));
        assertEquals("E?0", Errno.name(0));
        assertEquals("E?-5", Errno.name(-5));
    }
}
