package dev.keel.examples.apparel.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A dataset's essentials, read from a properties resource: where to download it, the local
 * mirror a distribution package installs, the files with their checksums, and the class names.
 */
public record DatasetSpec(
        String name,
        List<URI> urls,
        Path mirror,
        String mirrorPackage,
        List<String> classes,
        Map<String, FileSpec> files) {

    /** One file of a dataset: its name and the checksums of its uncompressed and archived bytes. */
    public record FileSpec(String key, String fileName, String sha256, String md5, long bytes) {
        /** The file name without a {@code .gz} suffix. */
        public String rawName() {
            return fileName.endsWith(".gz") ? fileName.substring(0, fileName.length() - 3) : fileName;
        }
    }

    /** Reads a spec from a classpath resource next to {@code anchor}. */
    public static DatasetSpec load(Class<?> anchor, String resource) {
        Properties p = new Properties();
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("dataset resource " + resource + " is missing from the classpath");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset resource " + resource, e);
        }
        List<URI> urls = new ArrayList<>();
        for (String u : required(p, "urls").split(",")) {
            urls.add(URI.create(u.trim()));
        }
        Map<String, FileSpec> files = new LinkedHashMap<>();
        for (String key : required(p, "files").split(",")) {
            key = key.trim();
            files.put(
                    key,
                    new FileSpec(
                            key,
                            required(p, key + ".file"),
                            required(p, key + ".sha256"),
                            required(p, key + ".md5"),
                            Long.parseLong(required(p, key + ".bytes"))));
        }
        return new DatasetSpec(
                required(p, "name"),
                List.copyOf(urls),
                Path.of(required(p, "mirror")),
                required(p, "mirror.package"),
                List.of(required(p, "classes").split(",")),
                files);
    }

    /** The same spec with other download URLs and mirror (tests use loopback servers and temp folders). */
    public DatasetSpec withSources(List<URI> newUrls, Path newMirror) {
        return new DatasetSpec(name, List.copyOf(newUrls), newMirror, mirrorPackage, classes, files);
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("dataset resource lacks '" + key + "'");
        }
        return v.trim();
    }
}
