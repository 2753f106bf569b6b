package dev.keel.flow;

/**
 * One input of a stage, as keel.yaml writes it: a file or folder ({@code data/train.csv},
 * {@code data/}), a dataset version ({@code dataset:fashion-mnist@v3}, {@code @latest},
 * {@code @TAG}) or a config key of a params file ({@code training/experiments/default.yaml:epochs}).
 * {@link #key()} is how the lock file and the messages name it.
 */
public record Input(Kind kind, String key, String path, String dataset, String paramsFile, String param, int line) {

    /** What an input is. */
    public enum Kind {
        PATH,
        DATASET,
        PARAM
    }

    static Input path(String path, int line) {
        return new Input(Kind.PATH, path, path, null, null, null, line);
    }

    static Input dataset(String ref, int line) {
        return new Input(Kind.DATASET, "dataset:" + ref, null, ref, null, null, line);
    }

    static Input param(String file, String key, int line) {
        return new Input(Kind.PARAM, file + ":" + key, null, null, file, key, line);
    }

    /**
     * The dataset reference in the form {@code keel data} reads: {@code name@v3} and
     * {@code name@latest} become {@code name:v3} and {@code name:latest}, {@code name@TAG}
     * becomes {@code name:TAG}; {@code name:v3} and {@code name@<hash prefix>} stay.
     */
    public String datasetRef() {
        if (dataset == null) {
            return null;
        }
        int at = dataset.indexOf('@');
        if (at < 0) {
            return dataset;
        }
        String name = dataset.substring(0, at);
        String rest = dataset.substring(at + 1);
        if (rest.matches("v\\d+") || rest.equals("latest") || !rest.matches("[0-9a-f]{6,64}")) {
            return name + ":" + rest;
        }
        return dataset;
    }
}
