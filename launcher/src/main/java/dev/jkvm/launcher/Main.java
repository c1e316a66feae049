package dev.jkvm.launcher;

import dev.jkvm.core.VmmException;
import dev.jkvm.core.machine.Initrd;
import dev.jkvm.core.machine.Kernel;
import dev.jkvm.core.machine.Machine;
import dev.jkvm.core.machine.MachineConfig;
import dev.jkvm.core.machine.PciFunction;
import dev.jkvm.core.machine.Topology;
import dev.jkvm.core.machine.VmStop;
import dev.jkvm.devices.block.BlockDeviceException;
import dev.jkvm.devices.net.tap.TapException;
import dev.jkvm.devices.serial.SerialInputPump;
import dev.jkvm.testos.TestOsImage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** The {@code jkvm} command: QEMU's flags for what jkvm implements, a one-line error for anything else. */
@Command(name = "jkvm", sortOptions = false, version = "jkvm 0.1.0",
        description = "A pure-Java KVM hypervisor. With no -kernel it boots the built-in demo guest.")
public final class Main implements Callable<Integer> {
    /** Name under which the built-in demo guest is reported. */
    static final String DEMO_NAME = "built-in demo guest";
    /** This process's standard input as a path that opens a new description of it. */
    private static final String STDIN_PATH = "/proc/self/fd/0";
    /** Status for a command line or configuration jkvm cannot use, as QEMU uses. */
    static final int USAGE_ERROR = 1;

    @Option(names = "-m", paramLabel = "SIZE", description = "guest RAM, MiB or with a K/M/G/T suffix (default 128)")
    String memory = "128";

    @Option(names = "-smp", paramLabel = "N[,sockets=S,cores=C,threads=T]", description = "vCPUs (default 1)")
    String smp = "1";

    @Option(names = "-kernel", paramLabel = "FILE", description = "ELF kernel with a Xen PVH entry note")
    Path kernel;

    @Option(names = "-append", paramLabel = "CMDLINE", description = "kernel command line")
    String append = "";

    @Option(names = "-initrd", paramLabel = "FILE", description = "initial RAM disk (multiboot: the module)")
    Path initrd;

    @Option(names = "-cpu", paramLabel = "MODEL[,+FEATURE|-FEATURE|FEATURE=on|off...]",
            description = "CPU model: host (default), max, qemu64, with features added or removed")
    String cpu = MachineConfig.DEFAULT_CPU_MODEL;

    @Option(names = "-drive", paramLabel = "file=PATH[,format=raw][,if=virtio|none][,id=ID][,readonly=on|off]"
            + "[,cache=none|writeback][,serial=S]", description = "a raw disk image, as a virtio-blk PCI device")
    List<String> drives = new ArrayList<>();

    @Option(names = "-device", paramLabel = "DRIVER[,PROP=VALUE...]",
            description = "add a device (isa-debug-exit, virtio-blk-pci,drive=ID[,serial=S],"
                    + " virtio-net-pci,netdev=ID[,mac=MAC])")
    List<String> devices = new ArrayList<>();

    @Option(names = "-netdev", paramLabel = "tap,id=ID[,ifname=TAP][,br=BRIDGE][,script=no][,downscript=no]",
            description = "a tap for a virtio-net-pci device; br= attaches it to a bridge (jkvm runs no scripts)")
    List<String> netdevs = new ArrayList<>();

    @Option(names = "-nic", paramLabel = "tap[,ifname=TAP][,br=BRIDGE][,mac=MAC][,model=virtio-net-pci]",
            description = "a virtio-net-pci NIC on a tap, in one flag")
    List<String> nics = new ArrayList<>();

    @Option(names = "-serial", paramLabel = "stdio", description = "serial console backend (stdio)")
    String serial = "stdio";

    @Option(names = "-nographic", description = "accepted for QEMU compatibility: jkvm has no display")
    boolean nographic;

    @Option(names = "-display", paramLabel = "none", description = "accepted for QEMU compatibility (none)")
    String display = "none";

    @Option(names = "-monitor", paramLabel = "none", description = "accepted for QEMU compatibility (none)")
    String monitor = "none";

    @Option(names = "-enable-kvm", description = "accepted for QEMU compatibility: jkvm always uses KVM")
    boolean enableKvm;

    @Option(names = "-no-reboot", description = "end when the guest resets (the default)")
    boolean noReboot;

    @Option(names = "-action", paramLabel = "reboot=reset|shutdown",
            description = "what a guest reset does: boot again (reset) or end jkvm (shutdown, the default)")
    List<String> actions = new ArrayList<>();

    @Option(names = "-d", paramLabel = "ITEM[,ITEM...]", description = "log items: unimp (accesses nothing claims)")
    String logItems;

    /** Kept so the loggers -d configured are not collected. */
    private List<java.util.logging.Logger> debugLoggers = List.of();

    @Option(names = "-kvm-device", paramLabel = "PATH", description = "the KVM device (default /dev/kvm)")
    Path kvmDevice = Path.of("/dev/kvm");

    @Option(names = {"-h", "-help", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Option(names = {"-version", "--version"}, versionHelp = true, description = "show the version")
    boolean version;

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "jkvm: %5$s%n");
        System.exit(run(args, System.err));
    }

    static int run(String[] args, PrintStream err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("jkvm: " + e.getMessage().lines().findFirst().orElse("bad command line"));
            return USAGE_ERROR;
        });
        cli.setExecutionExceptionHandler((e, c, p) -> {
            err.println("jkvm: " + oneLine(e));
            return USAGE_ERROR;
        });
        return cli.execute(args);
    }

    private static String oneLine(Exception e) {
        String message = e instanceof VmmException || e instanceof UsageException || e instanceof IllegalArgumentException
                || e instanceof BlockDeviceException || e instanceof TapException ? e.getMessage() : e.toString();
        return message == null ? e.getClass().getSimpleName() : message.replace('\n', ' ');
    }

    @Override
    public Integer call() throws Exception {
        boolean rebootOnReset = RebootAction.parse(actions, noReboot);
        while (true) {
            VmStop stop = boot(configure());
            if (stop instanceof VmStop.Failure failure) {
                System.out.flush();
                System.err.println("jkvm: " + failure.message());
            }
            if (!(rebootOnReset && stop instanceof VmStop.GuestExit exit && exit.isReset())) {
                return stop.exitStatus();
            }
        }
    }

    private static VmStop boot(MachineConfig config) throws InterruptedException {
        Machine machine = Machine.create(config);
        Thread hook = Thread.ofPlatform().unstarted(machine::close);
        Runtime.getRuntime().addShutdownHook(hook);
        try (machine) {
            machine.start();
            return machine.awaitStop();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // SIGTERM or SIGINT: the hook is what closes the machine (and removes jkvm's taps) now.
            }
        }
    }

    /**
     * Standard input, reopened for each boot: the serial pump closes the stream it is given to stop its blocked read,
     * and a rebooted machine must still find fd 0 open. Null when there is no standard input.
     */
    private static InputStream consoleInput() {
        try {
            return SerialInputPump.interruptible(new FileInputStream(STDIN_PATH));
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    MachineConfig configure() {
        if (!serial.equals("stdio")) {
            throw new UsageException("-serial " + serial + ": only 'stdio' is supported");
        }
        if (!display.equals("none")) {
            throw new UsageException("-display " + display + ": jkvm has no display; use -display none or -nographic");
        }
        if (!monitor.equals("none")) {
            throw new UsageException("-monitor " + monitor + ": jkvm has no monitor yet; use -monitor none");
        }
        if (logItems != null) {
            debugLoggers = LogItems.enable(logItems);
        }
        List<DeviceArgument> parsedDevices = devices.stream().map(DeviceArgument::parse).toList();
        List<PciFunction> pciFunctions = PciFunctions.resolve(drives, netdevs, nics, parsedDevices);
        SmpArgument topology = SmpArgument.parse(smp);
        MachineConfig.Builder builder = MachineConfig.builder()
                .memoryBytes(SizeArgument.parseMemory(memory))
                .cpus(topology.cpus())
                .topology(new Topology(topology.sockets(), topology.cores(), topology.threads()))
                .cpuModel(cpu)
                .cmdline(append)
                .console(new FileOutputStream(FileDescriptor.out))
                .consoleInput(consoleInput())
                .kvmDevice(kvmDevice);
        if (initrd != null) {
            builder.initrd(Initrd.read(initrd));
        }
        boolean debugExitGiven = false;
        for (DeviceArgument device : parsedDevices) {
            if (device instanceof DeviceArgument.DebugExit debugExit) {
                builder.debugExit(debugExit.port());
                debugExitGiven = true;
            }
        }
        for (PciFunction function : pciFunctions) {
            switch (function) {
                case PciFunction.Disk(var drive) -> builder.drive(drive);
                case PciFunction.Network(var nic) -> builder.nic(nic);
            }
        }
        if (kernel == null) {
            builder.kernel(new Kernel(DEMO_NAME, TestOsImage.bytes()));
            if (!debugExitGiven) {
                builder.debugExit(MachineConfig.DebugExitPort.QEMU_TEST_DEFAULT);
            }
        } else {
            builder.kernel(kernel);
        }
        return builder.build();
    }
}
