package dev.keel.internal.system;

import java.util.Map;

/** One source of system metrics; keeps whatever it needs from the previous sample to give rates. */
interface Probe {
    /** Adds this probe's values to {@code out}; may throw, the monitor then skips it for this sample. */
    void sample(Map<String, Double> out) throws Exception;
}
