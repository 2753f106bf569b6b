package dev.keel.internal.system;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Per-GPU utilisation, memory and temperature from {@code nvidia-smi}'s CSV query. Fields the
 * driver cannot report ({@code [N/A]}, {@code [Not Supported]}) are left out, not zeroed.
 */
final class GpuProbe implements Probe {
    static final String[] QUERY = {
        "--query-gpu=index,utilization.gpu,memory.used,memory.total,temperature.gpu", "--format=csv,noheader,nounits"
    };

    private final Path nvidiaSmi;

    GpuProbe(Path nvidiaSmi) {
        this.nvidiaSmi = nvidiaSmi;
    }

    @Override
    public void sample(Map<String, Double> out) throws IOException {
        parse(NvidiaSmi.run(nvidiaSmi, NvidiaSmi.TIMEOUT, QUERY), out);
    }

    /** Parses lines like {@code 0, 45, 1024, 81920, 40}; malformed lines are skipped. */
    static void parse(List<String> lines, Map<String, Double> out) {
        for (String line : lines) {
            String[] f = line.split(",");
            if (f.length < 5) {
                continue;
            }
            Double index = number(f[0]);
            if (index == null || index < 0 || index != Math.floor(index)) {
                continue;
            }
            String prefix = Keys.PREFIX + "gpu." + index.intValue() + ".";
            Double util = number(f[1]);
            Double used = number(f[2]);
            Double total = number(f[3]);
            Double temp = number(f[4]);
            if (util != null) {
                out.put(prefix + "utilization_percent", util);
            }
            if (used != null) {
                out.put(prefix + "memory_used_mb", used); // nvidia-smi reports MiB
                if (total != null && total > 0) {
                    out.put(prefix + "memory_percent", 100.0 * used / total);
                }
            }
            if (temp != null) {
                out.put(prefix + "temperature_c", temp);
            }
        }
    }

    private static Double number(String field) {
        try {
            double v = Double.parseDouble(field.strip());
            return Double.isFinite(v) ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
