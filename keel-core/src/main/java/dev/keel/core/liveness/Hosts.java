package dev.keel.core.liveness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's name without a DNS look-up ({@code InetAddress.getLocalHost()} can stall for
 * seconds on a badly configured network, and init must not).
 */
public final class Hosts {
    private static final String NAME = find();

    private Hosts() {}

    public static String name() {
        return NAME;
    }

    private static String find() {
        for (String env : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        for (String f : new String[] {"/proc/sys/kernel/hostname", "/etc/hostname"}) {
            try {
                String v = Files.readString(Path.of(f), StandardCharsets.UTF_8).trim();
                if (!v.isEmpty()) {
                    return v;
                }
            } catch (IOException | RuntimeException ignored) {
                // try the next source
            }
        }
        return "localhost";
    }
}
