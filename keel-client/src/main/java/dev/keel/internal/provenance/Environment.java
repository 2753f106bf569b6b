package dev.keel.internal.provenance;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The environment variables worth keeping with a run: an allow-list of names that change how
 * training runs (devices, thread counts, JDK, scheduler job ids, Keel's own settings). A name
 * that looks like it holds a secret is never kept, whatever list it is on, and credentials in
 * URL values are removed.
 */
final class Environment {
    static final Set<String> NAMES = Set.of(
            "CUDA_VISIBLE_DEVICES",
            "NVIDIA_VISIBLE_DEVICES",
            "CUDA_HOME",
            "CUDA_PATH",
            "LD_LIBRARY_PATH",
            "OMP_NUM_THREADS",
            "MKL_NUM_THREADS",
            "OPENBLAS_NUM_THREADS",
            "MKL_DYNAMIC",
            "OMP_DYNAMIC",
            "JAVA_HOME",
            "LANG",
            "LC_ALL",
            "TZ",
            "SLURM_JOB_ID",
            "SLURM_JOB_NAME",
            "SLURM_ARRAY_JOB_ID",
            "SLURM_ARRAY_TASK_ID",
            "SLURM_PROCID",
            "SLURM_NODELIST",
            "SLURM_NTASKS",
            "PBS_JOBID",
            "LSB_JOBID",
            "CI",
            "GITHUB_SHA",
            "GITHUB_REF",
            "GITHUB_RUN_ID",
            "GITHUB_REPOSITORY");
    static final String[] PREFIXES = {"KEEL_", "DJL_", "NCCL_", "PYTORCH_", "XLA_"};

    private Environment() {}

    static Map<String, String> allowed(Map<String, String> env) {
        Map<String, String> kept = new TreeMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (isAllowed(name) && !Redact.isSecretName(name)) {
                kept.put(name, Redact.urlCredentials(e.getValue()));
            }
        }
        return kept;
    }

    private static boolean isAllowed(String name) {
        if (NAMES.contains(name)) {
            return true;
        }
        for (String prefix : PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
