package dev.keel.cli.server;

import dev.keel.core.KeelException;
import dev.keel.core.data.Visibility;
import dev.keel.server.ServerSettings;
import dev.keel.server.http.HttpLimits;
import dev.keel.server.http.OriginGuard;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of {@code keel server}, each from the first place that gives it: a command-line
 * flag, then an environment variable, then the YAML config file ({@code --config FILE} or
 * {@code KEEL_SERVER_CONFIG}), then the default.
 *
 * <pre>
 * # keel-server.yaml
 * port: 8080
 * host: 0.0.0.0
 * db: jdbc:postgresql://db.internal:5432/keel
 * blobs: s3://ml-team/keel
 * max-body-bytes: 33554432
 * max-artifact-bytes: 5368709120   # one streamed upload (MLflow's artifact proxy)
 * default-visibility: team         # new projects shared with the creator's teams (default private)
 * allowed-hosts: [keel.example.com, "*.ml.example.com"]   # or one comma-separated string
 * s3:
 *   endpoint: http://minio.internal:9000
 *   region: us-east-1
 *   path-style: true
 * </pre>
 *
 * Secrets (S3 keys, database passwords) are better left to the environment than a file; they
 * are never printed ({@link #describe()}).
 */
public final class ServerConfig {
    /** One setting: its config-file key, its environment variable, its flag and default. */
    record Setting(String key, String env, String flag, String fallback, boolean secret) {}

    static final List<Setting> SETTINGS = List.of(
            new Setting("host", "KEEL_SERVER_HOST", "--host", "127.0.0.1", false),
            new Setting("port", "KEEL_SERVER_PORT", "--port", "8080", false),
            new Setting("db", "KEEL_DB", "--db", null, false),
            new Setting("blobs", "KEEL_BLOBS", "--blobs", null, false),
            new Setting(
                    "max-body-bytes",
                    "KEEL_SERVER_MAX_BODY_BYTES",
                    "--max-body-bytes",
                    Long.toString(ServerSettings.DEFAULT_MAX_BODY_BYTES),
                    false),
            new Setting("anonymous-reads", "KEEL_SERVER_ANONYMOUS_READS", "--anonymous-reads", "false", false),
            new Setting("threads", "KEEL_SERVER_THREADS", "--threads", "32", false),
            new Setting("allowed-hosts", "KEEL_SERVER_ALLOWED_HOSTS", "--allowed-hosts", null, false),
            new Setting(
                    "request-timeout",
                    "KEEL_SERVER_REQUEST_TIMEOUT",
                    "--request-timeout",
                    Integer.toString(HttpLimits.DEFAULT_REQUEST_TIMEOUT_S),
                    false),
            new Setting(
                    "max-header-bytes",
                    "KEEL_SERVER_MAX_HEADER_BYTES",
                    "--max-header-bytes",
                    Integer.toString(HttpLimits.DEFAULT_MAX_HEADER_BYTES),
                    false),
            new Setting("request-log", "KEEL_SERVER_REQUEST_LOG", "--request-log", "true", false),
            new Setting(
                    "max-artifact-bytes",
                    "KEEL_SERVER_MAX_ARTIFACT_BYTES",
                    null,
                    Long.toString(ServerSettings.DEFAULT_MAX_ARTIFACT_BYTES),
                    false),
            new Setting("default-visibility", "KEEL_SERVER_DEFAULT_VISIBILITY", null, "private", false),
            // S3: the environment variables keel-blob-s3 reads; the file's s3.* keys fill in the rest.
            new Setting("s3.endpoint", "KEEL_S3_ENDPOINT", null, null, false),
            new Setting("s3.region", "KEEL_S3_REGION", null, null, false),
            new Setting("s3.path-style", "KEEL_S3_PATH_STYLE", null, null, false),
            new Setting("s3.part-size-mb", "KEEL_S3_PART_SIZE_MB", null, null, false),
            new Setting("s3.access-key-id", "AWS_ACCESS_KEY_ID", null, null, false),
            new Setting("s3.secret-access-key", "AWS_SECRET_ACCESS_KEY", null, null, true),
            new Setting("s3.session-token", "AWS_SESSION_TOKEN", null, null, true));

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, String> env;

    private ServerConfig(Map<String, String> env) {
        this.env = env;
    }

    /**
     * Resolves every setting.
     *
     * @param flags      values given on the command line, by config key (absent: not given)
     * @param env        the environment
     * @param configFile {@code --config}, or null (then {@code KEEL_SERVER_CONFIG}, if set)
     */
    public static ServerConfig resolve(Map<String, String> flags, Map<String, String> env, Path configFile) {
        Path file = configFile;
        if (file == null
                && env.get("KEEL_SERVER_CONFIG") != null
                && !env.get("KEEL_SERVER_CONFIG").isBlank()) {
            file = Path.of(env.get("KEEL_SERVER_CONFIG").trim());
        }
        Map<String, String> fromFile = file == null ? Map.of() : readFile(file);
        ServerConfig c = new ServerConfig(env);
        for (Setting s : SETTINGS) {
            String v = flags.get(s.key());
            String source = s.flag();
            if (blank(v)) {
                v = env.get(s.env());
                source = "$" + s.env();
            }
            if (blank(v)) {
                v = fromFile.get(s.key());
                source = file + ": " + s.key();
            }
            if (blank(v)) {
                v = s.fallback();
                source = "default";
            }
            if (!blank(v)) {
                c.values.put(s.key(), v.trim());
                c.sources.put(s.key(), source);
            }
        }
        c.validate();
        return c;
    }

    /** The YAML file flattened to config keys ({@code s3: {region: x}} becomes {@code s3.region}). */
    static Map<String, String> readFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw KeelException.invalid("cannot read the server config file " + file + ": " + e.getMessage()
                    + " (give an existing YAML file with --config or KEEL_SERVER_CONFIG)");
        }
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (RuntimeException e) {
            throw KeelException.invalid("the server config file " + file + " is not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (root == null) {
            return out;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw KeelException.invalid(
                    "the server config file " + file + " must be a YAML mapping (key: value lines)");
        }
        flatten("", map, out, file);
        List<String> known = SETTINGS.stream().map(Setting::key).toList();
        for (String key : out.keySet()) {
            if (!known.contains(key)) {
                throw KeelException.invalid(
                        "unknown setting '" + key + "' in " + file + "; known settings: " + String.join(", ", known));
            }
        }
        return out;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out, Path file) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> inner) {
                flatten(key + ".", inner, out, file);
            } else if (v instanceof List<?> list && key.equals("allowed-hosts")) {
                out.put(key, String.join(",", list.stream().map(String::valueOf).toList()));
            } else if (v instanceof List<?>) {
                throw KeelException.invalid("setting '" + key + "' in " + file + " is a list: give one value");
            } else if (v != null) {
                out.put(key, v.toString());
            }
        }
    }

    private void validate() {
        intIn("port", 0, 65535);
        longIn("max-body-bytes", 1024, 1L << 40);
        intIn("threads", 1, 4096);
        intIn("request-timeout", 0, 86_400);
        intIn("max-header-bytes", 1024, 16 << 20);
        bool("anonymous-reads");
        bool("request-log");
        longIn("max-artifact-bytes", 1024, 1L << 50);
        defaultVisibility();
        allowedHosts();
    }

    public String host() {
        return values.get("host");
    }

    public int port() {
        return intIn("port", 0, 65535);
    }

    /** The {@code --db} value as given, or null. */
    public String db() {
        return values.get("db");
    }

    /** The {@code --blobs} value as given, or null. */
    public String blobs() {
        return values.get("blobs");
    }

    public boolean requestLog() {
        return bool("request-log");
    }

    public int requestTimeoutSeconds() {
        return intIn("request-timeout", 0, 86_400);
    }

    public int maxHeaderBytes() {
        return intIn("max-header-bytes", 1024, 16 << 20);
    }

    /** The names browsers may reach the server by besides its bound address (see {@link OriginGuard}). */
    public List<String> allowedHosts() {
        try {
            return OriginGuard.parse(values.get("allowed-hosts"));
        } catch (KeelException e) {
            throw KeelException.invalid(e.getMessage() + " (from " + where("allowed-hosts") + ")");
        }
    }

    /** What a new project is on this server until its owner changes it: private or team. */
    public Visibility defaultVisibility() {
        try {
            return ServerSettings.parseDefaultVisibility(values.get("default-visibility"));
        } catch (KeelException e) {
            throw KeelException.invalid(e.getMessage() + " (from " + where("default-visibility") + ")");
        }
    }

    public ServerSettings settings() {
        return new ServerSettings(
                host(),
                port(),
                longIn("max-body-bytes", 1024, 1L << 40),
                intIn("threads", 1, 4096),
                bool("anonymous-reads"),
                allowedHosts(),
                longIn("max-artifact-bytes", 1024, 1L << 50),
                defaultVisibility());
    }

    /**
     * What keel-blob-s3 reads from the environment, with the config file's {@code s3.*} values
     * filling in what the environment does not set.
     */
    public Map<String, String> s3Environment() {
        Map<String, String> out = new LinkedHashMap<>(env);
        for (Setting s : SETTINGS) {
            if (s.key().startsWith("s3.") && values.containsKey(s.key())) {
                out.put(s.env(), values.get(s.key()));
            }
        }
        return out;
    }

    /** One line per setting that has a value, with where it came from; secrets masked. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (Setting s : SETTINGS) {
            if (values.containsKey(s.key())) {
                String v = s.secret() ? "****" : redactUrl(values.get(s.key()));
                lines.add(s.key() + " = " + v + "  (" + sources.get(s.key()) + ")");
            }
        }
        return lines;
    }

    /** A JDBC URL without its password. */
    static String redactUrl(String v) {
        return v.replaceAll("(?i)(password=)[^&;]*", "$1****").replaceAll("(://[^:/@]+:)[^@/]*@", "$1****@");
    }

    private String where(String key) {
        return sources.getOrDefault(key, key);
    }

    private int intIn(String key, int min, int max) {
        return (int) longIn(key, min, max);
    }

    private long longIn(String key, long min, long max) {
        String v = values.get(key);
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw KeelException.invalid("setting '" + key + "' is '" + v + "' (from " + where(key)
                    + "): give a whole number between " + min + " and " + max);
        }
        if (n < min || n > max) {
            throw KeelException.invalid("setting '" + key + "' is " + n + " (from " + where(key)
                    + "): give a whole number between " + min + " and " + max);
        }
        return n;
    }

    private boolean bool(String key) {
        String v = values.get(key);
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw KeelException.invalid(
                "setting '" + key + "' is '" + v + "' (from " + where(key) + "): give true or false");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
