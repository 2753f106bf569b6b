package dev.keel.internal.config;

import dev.keel.core.KeelException;
import dev.keel.core.ValueLimits;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads YAML config files and YAML scalars, with errors that name the file and line. */
final class YamlConfig {
    private YamlConfig() {}

    static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        // the top mapping is a level of its own; values under it may nest MAX_DEPTH levels
        options.setNestingDepthLimit(ValueLimits.MAX_DEPTH + 1);
        return new Yaml(new SafeConstructor(options));
    }

    /** Whether snakeyaml stopped at the nesting limit (it has no exception type of its own for that). */
    static boolean tooDeep(YAMLException e) {
        return e.getMessage() != null && e.getMessage().startsWith("Nesting Depth exceeded");
    }

    /** The file as a canonical map; null when it nests deeper than {@link ValueLimits#MAX_DEPTH}. */
    static Map<String, Object> read(Path file) {
        Object loaded;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            loaded = yaml().load(r);
        } catch (NoSuchFileException e) {
            throw KeelException.invalid("config file " + file.toAbsolutePath() + " does not exist: check the path "
                    + "given to configFile(…)");
        } catch (IOException e) {
            throw KeelException.invalid("cannot read config file " + file.toAbsolutePath() + ": " + e.getMessage());
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = m == null ? "" : " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
            throw KeelException.invalid("config file " + file + " is not valid YAML" + where + ": "
                    + (e.getProblem() != null ? e.getProblem() : e.getMessage()));
        } catch (YAMLException e) {
            if (tooDeep(e)) {
                return null;
            }
            throw KeelException.invalid("config file " + file + " is not valid YAML: " + e.getMessage());
        }
        if (loaded == null) {
            return new LinkedHashMap<>();
        }
        if (!(loaded instanceof Map<?, ?>)) {
            throw KeelException.invalid("config file " + file + " must hold a YAML mapping (key: value lines) "
                    + "at the top, not a " + (loaded instanceof Iterable<?> ? "list" : "single value"));
        }
        for (Object k : ((Map<?, ?>) loaded).keySet()) {
            if (!(k instanceof String)) {
                throw KeelException.invalid("config file " + file + " has a non-text key '" + k
                        + "': quote it so that it reads as a string");
            }
        }
        // value by value: the file's top mapping is not one of the levels a value may nest
        Map<String, Object> canonical = new LinkedHashMap<>();
        ((Map<?, ?>) loaded)
                .forEach((k, v) -> canonical.put(
                        (String) k, ConfigResolver.canonical(v, "config file " + file + " key '" + k + "'")));
        return canonical;
    }
}
