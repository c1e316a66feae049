package dev.jkvm.launcher;

/**
 * QEMU's -smp syntax: {@code N[,cpus=N][,sockets=S][,cores=C][,threads=T][,maxcpus=M]}. Missing topology
 * values are derived the way QEMU 7 does for PC machines (prefer cores).
 */
record SmpArgument(int cpus, int sockets, int cores, int threads) {
    static SmpArgument parse(String text) {
        Integer cpus = null;
        Integer sockets = null;
        Integer cores = null;
        Integer threads = null;
        for (String part : text.split(",")) {
            String key;
            String value;
            int eq = part.indexOf('=');
            if (eq < 0) {
                key = "cpus";
                value = part;
            } else {
                key = part.substring(0, eq);
                value = part.substring(eq + 1);
            }
            int n = number(text, key, value);
            switch (key) {
                case "cpus" -> cpus = n;
                case "sockets" -> sockets = n;
                case "cores" -> cores = n;
                case "threads" -> threads = n;
                case "maxcpus", "dies", "clusters" -> { }
                default -> throw new UsageException("-smp " + text + ": unknown property '" + key + "'");
            }
        }
        int t = threads == null ? 1 : threads;
        int s = sockets == null ? 1 : sockets;
        int c;
        if (cores != null) {
            c = cores;
        } else {
            int total = cpus != null ? cpus : s * t;
            c = Math.max(1, total / (s * t));
        }
        int total = cpus != null ? cpus : s * c * t;
        if (s * c * t < total) {
            throw new UsageException("-smp " + text + ": sockets (" + s + ") * cores (" + c + ") * threads (" + t
                    + ") is less than cpus (" + total + ")");
        }
        return new SmpArgument(total, s, c, t);
    }

    private static int number(String text, String key, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 1) {
                throw new UsageException("-smp " + text + ": " + key + " must be at least 1");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("-smp " + text + ": " + key + "=" + value + " is not a number");
        }
    }
}
