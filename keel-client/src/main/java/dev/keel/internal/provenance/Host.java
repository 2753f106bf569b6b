package dev.keel.internal.provenance;

import dev.keel.internal.system.NvidiaSmi;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** The command, JVM, operating system, machine and GPUs a run executes on. */
final class Host {
    private Host() {}

    /**
     * Main class, program arguments and the full command line (secret-looking option values hidden).
     * The main class is the first word of {@code sun.java.command} (a jar's path for {@code -jar}).
     */
    static Map<String, Object> command(Path workingDir) {
        String javaCommand = System.getProperty("sun.java.command", "");
        String main = javaCommand.isBlank() ? null : javaCommand.strip().split("\\s+")[0];
        ProcessHandle.Info info = ProcessHandle.current().info();
        List<String> all = info.arguments().map(List::of).orElse(null);
        List<String> programArgs = new ArrayList<>();
        if (all != null && main != null && all.contains(main)) {
            programArgs.addAll(all.subList(all.lastIndexOf(main) + 1, all.size()));
        } else if (!javaCommand.isBlank()) {
            String[] words = javaCommand.strip().split("\\s+");
            programArgs.addAll(List.of(words).subList(1, words.length));
        }
        List<String> line = new ArrayList<>();
        info.command().ifPresent(line::add);
        if (all != null && main != null && all.contains(main)) {
            line.addAll(all);
        } else if (main != null) {
            // The kernel's view of the command line is cut off for long ones (a long class path):
            // rebuild it from what the JVM itself knows, so that the run can still be resumed.
            line.clear();
            line.add(info.command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                            .toString()));
            line.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            String classPath = System.getProperty("java.class.path", "");
            if (main.endsWith(".jar") && classPath.equals(main)) {
                line.add("-jar");
            } else if (!classPath.isEmpty()) {
                line.add("-cp");
                line.add(classPath);
            }
            line.add(main);
            line.addAll(programArgs);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("main_class", main);
        m.put("arguments", Redact.arguments(programArgs));
        m.put("command_line", line.isEmpty() ? null : String.join(" ", Redact.arguments(line)));
        // the exact words, for `keel run resume` (a redacted secret has to be supplied again)
        m.put("argv", line.isEmpty() ? null : Redact.arguments(line));
        m.put("working_dir", workingDir.toAbsolutePath().normalize().toString());
        return m;
    }

    static Map<String, Object> jvm() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vendor", System.getProperty("java.vendor"));
        m.put("version", System.getProperty("java.version"));
        m.put("runtime", System.getProperty("java.runtime.version"));
        m.put("vm", System.getProperty("java.vm.name"));
        // what the JVM sizes its thread pools by (-XX:ActiveProcessorCount, cgroup limits)
        m.put("available_processors", Runtime.getRuntime().availableProcessors());
        m.put("home", System.getProperty("java.home"));
        m.put(
                "input_arguments",
                Redact.arguments(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        return m;
    }

    static Map<String, Object> os() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", System.getProperty("os.name"));
        m.put("version", System.getProperty("os.version"));
        m.put("arch", System.getProperty("os.arch"));
        return m;
    }

    /**
     * Hostname, CPU model, cores and memory; what OSHI cannot read is left out. The hardware is
     * read once per JVM: OSHI's processor probe starts several helper programs (lshw, dmidecode,
     * cpuid) each time, and the answer does not change while the process lives.
     */
    static Map<String, Object> machine(Map<String, String> env) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hostname", hostname(env));
        m.putAll(Hardware.FACTS);
        return m;
    }

    private static final class Hardware {
        static final Map<String, Object> FACTS = read();

        private static Map<String, Object> read() {
            Map<String, Object> m = new LinkedHashMap<>();
            try {
                SystemInfo si = new SystemInfo();
                CentralProcessor cpu = si.getHardware().getProcessor();
                m.put("cpu_model", cpu.getProcessorIdentifier().getName().strip());
                m.put("physical_cores", cpu.getPhysicalProcessorCount());
                m.put("logical_cores", cpu.getLogicalProcessorCount());
                m.put("memory_bytes", si.getHardware().getMemory().getTotal());
                m.put("cpu_flags", flags(cpu.getFeatureFlags()));
            } catch (RuntimeException | LinkageError e) {
                m.clear();
                m.put("logical_cores", Runtime.getRuntime().availableProcessors());
            }
            return Collections.unmodifiableMap(m);
        }

        /** The flags of {@code /proc/cpuinfo}-like lines ({@code "flags : fpu vme …"}), each once, sorted. */
        static List<String> flags(List<String> lines) {
            TreeSet<String> flags = new TreeSet<>();
            for (String line : lines) {
                int colon = line.indexOf(':');
                for (String f : line.substring(colon + 1).trim().split("\\s+")) {
                    if (!f.isBlank()) {
                        flags.add(f);
                    }
                }
            }
            return List.copyOf(flags);
        }
    }

    /** Without a DNS lookup (which can hang): the environment, then /etc/hostname. */
    static String hostname(Map<String, String> env) {
        for (String name : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        try {
            return Files.readString(Path.of("/etc/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code nvidia-smi -L}'s lines ("GPU 0: NVIDIA H200 (UUID: …)"); empty without nvidia-smi or when it fails. */
    static List<String> gpus(String pathVariable) {
        Optional<Path> exe = NvidiaSmi.find(pathVariable);
        if (exe.isEmpty()) {
            return List.of();
        }
        try {
            return NvidiaSmi.run(exe.get(), NvidiaSmi.TIMEOUT, "-L");
        } catch (IOException e) {
            return List.of();
        }
    }
}
