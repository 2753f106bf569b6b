package dev.keel.internal.run;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The provenance every run gets, cheap to capture: JVM, OS, machine and command line. Richer
 * capture (git, dependencies, GPUs) plugs in through {@link RunFactory#setProvenanceCapture}.
 */
final class BasicProvenance {
    private BasicProvenance() {
    }

    static Map<String, Object> capture() {
        Map<String, Object> p = new LinkedHashMap<>();
        Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("vendor", System.getProperty("java.vendor"));
        jvm.put("version", System.getProperty("java.version"));
        jvm.put("runtime", System.getProperty("java.runtime.name"));
        try {
            jvm.put("arguments", List.copyOf(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        } catch (RuntimeException | Error e) {
            jvm.put("arguments", List.of());
        }
        p.put("jvm", jvm);
        Map<String, Object> os = new LinkedHashMap<>();
        os.put("name", System.getProperty("os.name"));
        os.put("version", System.getProperty("os.version"));
        os.put("arch", System.getProperty("os.arch"));
        p.put("os", os);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("hostname", Hosts.name());
        machine.put("cores", (long) Runtime.getRuntime().availableProcessors());
        machine.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        p.put("machine", machine);
        String command = System.getProperty("sun.java.command");
        if (command != null) {
            p.put("command", command);
            p.put("mainClass", command.split(" ", 2)[0]);
        }
        p.put("workingDirectory", System.getProperty("user.dir"));
        return p;
    }
}
