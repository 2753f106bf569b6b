package dev.keel.serve;

import dev.keel.core.KeelException;
import dev.keel.core.model.ModelFile;
import dev.keel.core.model.ModelVersion;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What a model version needs to be served: the file {@value #FILE} among its files, in DJL's
 * model-folder convention. Its keys:
 *
 * <pre>
 * engine=PyTorch
 * modelName=apparel                  # the parameters file: apparel.params (DJL's Model.save format)
 * translatorFactory=dev.keel.serve.translate.ImageClassifierTranslatorFactory
 * blockFactory=dev.keel.examples.apparel.serving.ApparelBlockFactory
 * width=28
 * height=28
 * ...                                # every other key is an argument of both factories
 * </pre>
 *
 * Classes are looked up in the version's {@code libs/*.jar} first, then on the server's own class
 * path, so a version can carry the code that builds its network. An optional {@value #BASELINE}
 * holds the training data's statistics that drift is measured against.
 *
 * @param arguments every key of the file, as DJL's factories receive them
 */
public record ServingDescriptor(
        String engine, String modelName, String translatorFactory, String blockFactory, Map<String, String> arguments) {
    /** The descriptor's file name within a version. */
    public static final String FILE = "serving.properties";
    /** The training data's statistics within a version (optional). */
    public static final String BASELINE = "baseline.json";

    public ServingDescriptor {
        arguments = Map.copyOf(arguments);
    }

    /** True when the version lists a descriptor. */
    public static boolean declaredBy(ModelVersion version) {
        return version.files().stream().map(ModelFile::path).anyMatch(FILE::equals);
    }

    /** Fails with a message that says how to make {@code version} servable when it has no descriptor. */
    public static void requireDeclared(ModelVersion version) {
        if (!declaredBy(version)) {
            throw KeelException.invalid(version.ref() + " cannot be served: it has no " + FILE + " (its files: "
                    + String.join(
                            ", ", version.files().stream().map(ModelFile::path).toList())
                    + "); register a folder that holds the parameters and a " + FILE + " naming its translator and"
                    + " block (see docs/serving.md)");
        }
    }

    /** Reads {@value #FILE} from a pulled version's folder. */
    public static ServingDescriptor read(Path dir) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve(FILE))) {
            p.load(r);
        }
        Map<String, String> args = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            args.put(key, p.getProperty(key).strip());
        }
        String translator = args.get("translatorFactory");
        if (translator == null || translator.isEmpty()) {
            throw KeelException.invalid(FILE + " names no translatorFactory: add translatorFactory=CLASS (e.g."
                    + " dev.keel.serve.translate.ImageClassifierTranslatorFactory)");
        }
        String modelName = args.getOrDefault("modelName", "model");
        return new ServingDescriptor(
                args.getOrDefault("engine", "PyTorch"),
                modelName,
                translator,
                args.getOrDefault("blockFactory", ""),
                new LinkedHashMap<>(args));
    }
}
