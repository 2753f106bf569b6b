package dev.keel.core.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which files of a run {@link ModelRegistry#register} makes a version of, and what it says
 * about them. With neither a checkpoint nor a path, the run's best checkpoint is taken (its last
 * when the run chose no best metric).
 *
 * @param checkpoint {@code best}, {@code last} or a file the run keeps; null for none
 * @param path       a file or folder the run keeps ({@code logArtifact} name); null for none
 * @param by         who registers; null for the run's user
 */
public record Registration(
        String runId,
        String checkpoint,
        String path,
        String description,
        Map<String, String> tags,
        String signature,
        String by) {

    public Registration {
        tags = Map.copyOf(tags);
    }

    public static Registration of(String runId) {
        return new Registration(runId, null, null, "", Map.of(), "", null);
    }

    public Registration checkpoint(String which) {
        return new Registration(runId, which, path, description, tags, signature, by);
    }

    public Registration path(String artifact) {
        return new Registration(runId, checkpoint, artifact, description, tags, signature, by);
    }

    public Registration description(String text) {
        return new Registration(runId, checkpoint, path, text, tags, signature, by);
    }

    public Registration tag(String key, String value) {
        Map<String, String> t = new LinkedHashMap<>(tags);
        t.put(key, value);
        return new Registration(runId, checkpoint, path, description, t, signature, by);
    }

    public Registration signature(String text) {
        return new Registration(runId, checkpoint, path, description, tags, text, by);
    }

    public Registration by(String user) {
        return new Registration(runId, checkpoint, path, description, tags, signature, user);
    }
}
