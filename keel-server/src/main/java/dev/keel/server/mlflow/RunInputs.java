package dev.keel.server.mlflow;

import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.RunInput;
import dev.keel.core.store.WriteBatch;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Authorizer.Resource;
import dev.keel.server.auth.Principal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MLflow's dataset inputs ({@code runs/log-inputs}, {@code mlflow.log_input}). Each input (the
 * dataset's name, digest, source type, source, schema and profile, with tags such as
 * {@code mlflow.data.context}) is kept in the run's provenance under {@link #KEY} and returned by
 * runs/get and runs/search as {@code inputs.dataset_inputs}. Logging the same dataset (name and
 * digest) again merges its tags, as MLflow keeps one input per dataset.
 *
 * <p>When the input names a Keel dataset the caller may read, and says which version (a digest
 * that is a prefix of the version's hash, at least 6 hex digits, or a source holding
 * {@code NAME:vN} or {@code NAME@TAG}), it is also recorded as Keel lineage, so the run lists the
 * version among its datasets and the version lists the run, as when Keel's SDK used it.
 */
final class RunInputs {
    /** The provenance entry of a run's MLflow dataset inputs. */
    static final String KEY = "mlflow_dataset_inputs";

    private static final int MAX_NAME = 500;
    private static final int MAX_DIGEST = 36;
    private static final Pattern HEX = Pattern.compile("^(?:sha256:)?([0-9a-f]{6,64})$");

    private final ServerContext ctx;

    RunInputs(ServerContext ctx) {
        this.ctx = ctx;
    }

    /** Stores the inputs of one log-inputs call; returns nothing MLflow's client reads. */
    void log(Principal who, RunInfo run, List<Fields> datasets) {
        Runs.requireActive(run);
        List<Map<String, Object>> parsed = new ArrayList<>();
        for (Fields input : datasets) {
            parsed.add(parse(input));
        }
        if (parsed.isEmpty()) {
            return;
        }
        List<Map<String, Object>> stored = stored(ctx.store().provenance(run.id()));
        for (Map<String, Object> in : parsed) {
            merge(stored, in);
        }
        WriteBatch b = new WriteBatch();
        b.provenance.put(KEY, stored);
        ctx.store().apply(run.id(), b);
        for (Map<String, Object> in : parsed) {
            recordLineage(who, run, dataset(in));
        }
    }

    /** The run's inputs as MLflow's {@code dataset_inputs}. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> stored(Map<String, Object> provenance) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (provenance.get(KEY) instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    out.add(new LinkedHashMap<>((Map<String, Object>) m));
                }
            }
        }
        return out;
    }

    private static Map<String, Object> parse(Fields input) {
        Fields d = input.object("dataset");
        if (d == null) {
            throw KeelException.invalid(
                    "each entry of 'datasets' needs a 'dataset': {name, digest, source_type," + " source}");
        }
        Map<String, Object> dataset = new LinkedHashMap<>();
        dataset.put("name", limited(d, "name", MAX_NAME));
        dataset.put("digest", limited(d, "digest", MAX_DIGEST));
        dataset.put("source_type", limited(d, "source_type", 1 << 16));
        dataset.put("source", limited(d, "source", 1 << 16));
        for (String optional : List.of("schema", "profile")) {
            String v = d.string(optional);
            if (v != null && !v.isEmpty()) {
                dataset.put(optional, v);
            }
        }
        List<Object> tags = new ArrayList<>();
        for (Fields t : input.objects("tags")) {
            String key = Limits.key("input tag", t.string("key"));
            Map<String, Object> kv = new LinkedHashMap<>();
            kv.put("key", key);
            kv.put("value", t.string("value") == null ? "" : t.string("value"));
            tags.add(kv);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tags", tags);
        out.put("dataset", dataset);
        return out;
    }

    private static String limited(Fields d, String field, int max) {
        String v = d.string(field);
        if (v == null || v.isEmpty()) {
            throw KeelException.invalid("Missing value for required parameter '" + field + "' of a dataset input.");
        }
        if (v.length() > max) {
            throw KeelException.invalid(
                    "Dataset " + field + " had length " + v.length() + ", which exceeded length limit of " + max);
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> dataset(Map<String, Object> input) {
        return (Map<String, Object>) input.get("dataset");
    }

    /** Adds the input, or merges its tags into the stored input of the same dataset (name and digest). */
    @SuppressWarnings("unchecked")
    private static void merge(List<Map<String, Object>> stored, Map<String, Object> in) {
        Map<String, Object> d = dataset(in);
        for (Map<String, Object> s : stored) {
            Map<String, Object> sd = dataset(s);
            if (sd != null
                    && d.get("name").equals(sd.get("name"))
                    && d.get("digest").equals(sd.get("digest"))) {
                Map<String, Object> byKey = new LinkedHashMap<>();
                for (Object t : (List<Object>) s.getOrDefault("tags", List.of())) {
                    byKey.put(String.valueOf(((Map<String, Object>) t).get("key")), t);
                }
                for (Object t : (List<Object>) in.get("tags")) {
                    byKey.put(String.valueOf(((Map<String, Object>) t).get("key")), t);
                }
                s.put("tags", new ArrayList<>(byKey.values()));
                s.put("dataset", d);
                return;
            }
        }
        stored.add(in);
    }

    private void recordLineage(Principal who, RunInfo run, Map<String, Object> dataset) {
        DatasetStore store = ctx.datasets();
        String name = (String) dataset.get("name");
        if (store == null || store.dataset(name).isEmpty() || !ctx.authorizer().canRead(who, Resource.dataset(name))) {
            return;
        }
        Optional<DatasetVersion> version =
                version(store, name, (String) dataset.get("digest"), (String) dataset.get("source"));
        if (version.isEmpty()) {
            return;
        }
        DatasetVersion v = version.get();
        boolean known =
                store.inputsOf(run.id()).stream().anyMatch(i -> i.dataset().equals(name) && i.number() == v.number());
        if (!known) {
            store.recordUse(new RunInput(run.id(), name, v.number(), v.hash(), System.currentTimeMillis()));
        }
    }

    /** The Keel version an MLflow input names: by hash prefix in its digest, or NAME:vN / NAME@TAG in its source. */
    static Optional<DatasetVersion> version(DatasetStore store, String name, String digest, String source) {
        Matcher hex = HEX.matcher(digest == null ? "" : digest.toLowerCase());
        if (hex.matches()) {
            List<DatasetVersion> found = store.versionsByHashPrefix(name, hex.group(1));
            if (found.size() == 1) {
                return Optional.of(found.get(0));
            }
        }
        String text = (digest == null ? "" : digest) + " " + (source == null ? "" : source);
        Matcher numbered = Pattern.compile("(?:^|[^\\w.-])" + Pattern.quote(name) + ":v(\\d{1,9})(?!\\d)")
                .matcher(text);
        if (numbered.find()) {
            return store.version(name, Integer.parseInt(numbered.group(1)));
        }
        Matcher tagged = Pattern.compile("(?:^|[^\\w.-])" + Pattern.quote(name) + "@([a-z0-9][a-z0-9._-]{0,63})")
                .matcher(text);
        if (tagged.find()) {
            Integer n = store.tags(name).get(tagged.group(1));
            return n == null ? Optional.empty() : store.version(name, n);
        }
        return Optional.empty();
    }
}
