package dev.jkvm.testos.net;

/** How big the UDP payload of datagram {@code seq} is. Text forms {@code mixed:<max>} and {@code fixed:<size>}. */
public sealed interface PayloadSizes permits PayloadSizes.Mixed, PayloadSizes.Fixed {

    /** The largest UDP payload in one untagged Ethernet frame of MTU 1500: 1500 - 20 (IPv4) - 8 (UDP). */
    int MTU_PAYLOAD = 1472;

    /** Payload bytes of datagram {@code seq}. */
    int size(long seq);

    /** The largest payload this plan sends. */
    int max();

    /** The form {@link #parse} reads. */
    String text();

    /** Reads {@code mixed:<max>} or {@code fixed:<size>}. */
    static PayloadSizes parse(String text) {
        String[] parts = text.split(":", 2);
        if (parts.length != 2 || !parts[1].matches("\\d{1,5}")) {
            throw new IllegalArgumentException("payload sizes must be mixed:<max> or fixed:<size>, was '" + text
                    + "'");
        }
        int value = Integer.parseInt(parts[1]);
        return switch (parts[0]) {
            case "mixed" -> new Mixed(value);
            case "fixed" -> new Fixed(value);
            default -> throw new IllegalArgumentException("payload sizes must be mixed:<max> or fixed:<size>, was '"
                    + text + "'");
        };
    }

    /**
     * Sizes spread over 1..max by a multiplicative hash of the sequence number, with every 1000th datagram (from 0)
     * exactly {@code max} bytes and the one after it exactly 1 byte, so both extremes are always sent.
     */
    record Mixed(int max) implements PayloadSizes {

        /** Knuth's multiplicative hash constant (2^32 / golden ratio). */
        private static final long HASH = 2_654_435_761L;
        /** Period of the forced extremes. */
        private static final int EXTREMES_PERIOD = 1000;

        public Mixed {
            if (max < 1 || max > MTU_PAYLOAD) {
                throw new IllegalArgumentException("mixed payload maximum must be 1.." + MTU_PAYLOAD + ", was " + max);
            }
        }

        @Override
        public int size(long seq) {
            return switch ((int) (seq % EXTREMES_PERIOD)) {
                case 0 -> max;
                case 1 -> 1;
                default -> 1 + (int) (((seq * HASH) & 0xffff_ffffL) % max);
            };
        }

        @Override
        public String text() {
            return "mixed:" + max;
        }
    }

    /** Every datagram {@code size} bytes: the benchmark's shape. */
    record Fixed(int size) implements PayloadSizes {

        public Fixed {
            if (size < 1 || size > MTU_PAYLOAD) {
                throw new IllegalArgumentException("fixed payload size must be 1.." + MTU_PAYLOAD + ", was " + size);
            }
        }

        @Override
        public int size(long seq) {
            return size;
        }

        @Override
        public int max() {
            return size;
        }

        @Override
        public String text() {
            return "fixed:" + size;
        }
    }

    /** The payload of datagram {@code seq}: {@link #size} bytes, each a function of the sequence number and index. */
    static byte[] payload(PayloadSizes sizes, long seq) {
        byte[] bytes = new byte[sizes.size(seq)];
        long mixed = seq * 0x9E37_79B9_7F4A_7C15L;
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) ((mixed >>> ((i & 7) * 8)) + i + (i >>> 8));
        }
        return bytes;
    }
}
