package dev.keel.examples.apparel.training;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment: network, layers, epochs, batch size, optimizer, learning rate, seed… read from a
 * YAML file ({@code training/experiments/*.yaml}) and {@code key=value} overrides. Every key is
 * known and typed; an unknown key or a value of the wrong type is an {@link IllegalArgumentException}
 * that names the key, the source and what was expected.
 */
public record ExperimentConfig(
        String network,
        List<Integer> layers,
        double dropout,
        int epochs,
        int batchSize,
        String optimizer,
        double learningRate,
        String lrSchedule,
        double weightDecay,
        long seed,
        int threads,
        int validationSize,
        int trainLimit,
        int logEvery,
        String project,
        String dataDir,
        boolean track,
        int checkpointEverySteps,
        int keepCheckpoints,
        String datasetRef) {

    /** The keys, their types and defaults, in the order they are documented. */
    static final Map<String, Object> DEFAULTS = defaults();

    private static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("network", "mlp");
        d.put("layers", List.of(256, 128));
        d.put("dropout", 0.2);
        d.put("epochs", 5);
        d.put("batch_size", 64);
        d.put("optimizer", "adam");
        d.put("learning_rate", 0.001);
        d.put("lr_schedule", "constant");
        d.put("weight_decay", 0.0);
        d.put("seed", 42L);
        d.put("threads", 2);
        d.put("validation_size", 6000);
        d.put("train_limit", 0);
        d.put("log_every", 50);
        d.put("project", "apparel-classifier");
        d.put("data_dir", "");
        d.put("track", true);
        d.put("checkpoint_every_steps", 0);
        d.put("keep_checkpoints", 3);
        d.put("dataset_ref", "fashion-mnist:latest");
        return d;
    }

    /** Reads a YAML file, then applies overrides ({@code key=value}, values parsed as YAML scalars or lists). */
    public static ExperimentConfig load(Path yaml, List<String> overrides) {
        Map<String, Object> values = new LinkedHashMap<>(DEFAULTS);
        if (yaml != null) {
            merge(values, readYaml(yaml), yaml.toString());
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("override '" + o + "' must look like key=value, e.g. epochs=3");
            }
            Object value = parseScalar(o.substring(eq + 1), o);
            merge(values, Map.of(o.substring(0, eq).trim(), value == null ? "" : value), "command line");
        }
        return fromMap(values);
    }

    /** Builds a config from a full map of values. */
    static ExperimentConfig fromMap(Map<String, Object> v) {
        ExperimentConfig c = new ExperimentConfig(
                (String) v.get("network"),
                intList(v.get("layers")),
                ((Number) v.get("dropout")).doubleValue(),
                (Integer) v.get("epochs"),
                (Integer) v.get("batch_size"),
                (String) v.get("optimizer"),
                ((Number) v.get("learning_rate")).doubleValue(),
                (String) v.get("lr_schedule"),
                ((Number) v.get("weight_decay")).doubleValue(),
                ((Number) v.get("seed")).longValue(),
                (Integer) v.get("threads"),
                (Integer) v.get("validation_size"),
                (Integer) v.get("train_limit"),
                (Integer) v.get("log_every"),
                (String) v.get("project"),
                (String) v.get("data_dir"),
                (Boolean) v.get("track"),
                (Integer) v.get("checkpoint_every_steps"),
                (Integer) v.get("keep_checkpoints"),
                (String) v.get("dataset_ref"));
        c.check();
        return c;
    }

    private void check() {
        if (!List.of("mlp", "cnn").contains(network)) {
            throw new IllegalArgumentException("network must be mlp or cnn, got '" + network + "'");
        }
        if (!optimizer.equals("adam")) {
            throw new IllegalArgumentException(
                    "optimizer must be adam (the one whose state is checkpointed), got '" + optimizer + "'");
        }
        if (!List.of("constant", "cosine").contains(lrSchedule)) {
            throw new IllegalArgumentException("lr_schedule must be constant or cosine, got '" + lrSchedule + "'");
        }
        positive("epochs", epochs);
        positive("batch_size", batchSize);
        positive("threads", threads);
        if (checkpointEverySteps < 0) {
            throw new IllegalArgumentException(
                    "checkpoint_every_steps must be >= 0 (0: only at the end of each epoch), got "
                            + checkpointEverySteps);
        }
        positive("keep_checkpoints", keepCheckpoints);
        if (!datasetRef.split("[:@]", 2)[0].equals("fashion-mnist")) {
            throw new IllegalArgumentException("dataset_ref must name a version of the Keel dataset fashion-mnist"
                    + " (fashion-mnist:latest, fashion-mnist:v2, fashion-mnist:TAG, fashion-mnist@HASH), got '"
                    + datasetRef + "'");
        }
        if (learningRate <= 0) {
            throw new IllegalArgumentException("learning_rate must be > 0, got " + learningRate);
        }
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be >= 1, got " + value);
        }
    }

    /** The config as the map that is logged with the run. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("network", network);
        m.put("layers", layers);
        m.put("dropout", dropout);
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("optimizer", optimizer);
        m.put("learning_rate", learningRate);
        m.put("lr_schedule", lrSchedule);
        m.put("weight_decay", weightDecay);
        m.put("seed", seed);
        m.put("threads", threads);
        m.put("validation_size", validationSize);
        m.put("train_limit", trainLimit);
        m.put("log_every", logEvery);
        m.put("checkpoint_every_steps", checkpointEverySteps);
        m.put("keep_checkpoints", keepCheckpoints);
        m.put("dataset_ref", datasetRef);
        return m;
    }

    /**
     * The keys that decide the numbers training produces (what a checkpoint must agree with to be
     * resumed exactly): every key but logging, checkpointing, tracking and data location.
     */
    public Map<String, Object> trainingMap() {
        Map<String, Object> m = toMap();
        m.remove("log_every");
        m.remove("checkpoint_every_steps");
        m.remove("keep_checkpoints");
        m.remove("dataset_ref"); // a resumed run reads the exact version it used before (RunExperiment)
        return m;
    }

    private static Map<String, Object> readYaml(Path yaml) {
        try (Reader r = Files.newBufferedReader(yaml)) {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            if (doc == null) {
                return Map.of();
            }
            if (!(doc instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException(
                        yaml + " must hold a mapping of keys to values, found a " + typeName(doc));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, val) -> out.put(String.valueOf(k), val));
            return out;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("experiment file " + yaml + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read experiment file " + yaml + ": " + e.getMessage(), e);
        } catch (YAMLException e) {
            throw new IllegalArgumentException(yaml + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    private static Object parseScalar(String text, String override) {
        try {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new IllegalArgumentException(
                    "cannot parse the value of override '" + override + "': " + e.getMessage(), e);
        }
    }

    private static void merge(Map<String, Object> values, Map<String, Object> in, String source) {
        for (Map.Entry<String, Object> e : in.entrySet()) {
            String key = e.getKey();
            if (!DEFAULTS.containsKey(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "' in " + source + "; known keys: "
                        + String.join(", ", DEFAULTS.keySet()));
            }
            values.put(key, coerce(key, e.getValue(), DEFAULTS.get(key), source));
        }
    }

    private static Object coerce(String key, Object value, Object example, String source) {
        String where = "key '" + key + "' in " + source;
        if (example instanceof List) {
            if (value instanceof Integer i) {
                return List.of(i);
            }
            if (value instanceof List<?> list) {
                List<Integer> out = new ArrayList<>();
                for (Object o : list) {
                    if (!(o instanceof Integer i)) {
                        throw new IllegalArgumentException(where + " must be a list of whole numbers, got " + value);
                    }
                    out.add(i);
                }
                return out;
            }
            throw new IllegalArgumentException(where + " must be a list of whole numbers such as [256, 128], got "
                    + typeName(value) + " '" + value + "'");
        }
        if (example instanceof Long) {
            if (value instanceof Integer || value instanceof Long) {
                return ((Number) value).longValue();
            }
        } else if (example instanceof Integer) {
            if (value instanceof Integer) {
                return value;
            }
        } else if (example instanceof Double) {
            if (value instanceof Number n) {
                return n.doubleValue();
            }
        } else if (example instanceof Boolean) {
            if (value instanceof Boolean) {
                return value;
            }
        } else if (example instanceof String) {
            if (value instanceof String) {
                return value;
            }
        }
        throw new IllegalArgumentException(
                where + " must be " + typeName(example) + ", got " + typeName(value) + " '" + value + "'");
    }

    private static String typeName(Object o) {
        if (o == null) {
            return "nothing";
        }
        if (o instanceof Integer || o instanceof Long) {
            return "a whole number";
        }
        if (o instanceof Double || o instanceof Float) {
            return "a number";
        }
        if (o instanceof Boolean) {
            return "true or false";
        }
        if (o instanceof String) {
            return "a string";
        }
        if (o instanceof List) {
            return "a list";
        }
        if (o instanceof Map) {
            return "a mapping";
        }
        return o.getClass().getSimpleName();
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> intList(Object o) {
        return (List<Integer>) o;
    }
}
