package dev.keel.core.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@link ModelStore} whose runs and bytes live with a Keel server: the server reads the run
 * (its checkpoints' headers, its dataset inputs) to register a version, and hands out a
 * version's files itself, so {@link ModelRegistry} passes both to it instead of opening blobs.
 */
public interface ServedModelStore extends ModelStore {

    /** Registers the next version of {@code name} from the run's files {@code what} selects, as the server reads them. */
    ModelVersion register(String name, Registration what);

    /**
     * Writes file {@code f} of {@code v} to {@code target}: through a temporary file beside it,
     * verified against the file's hash before it is renamed into place, so a damaged or cut-off
     * transfer ({@link dev.keel.core.blob.CorruptBlobException}) replaces nothing.
     */
    void download(ModelVersion v, ModelFile f, Path target) throws IOException;
}
