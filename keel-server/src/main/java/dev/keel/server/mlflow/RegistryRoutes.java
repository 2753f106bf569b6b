package dev.keel.server.mlflow;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.model.ModelFile;
import dev.keel.core.model.ModelRef;
import dev.keel.core.model.ModelStore;
import dev.keel.core.model.ModelVersion;
import dev.keel.core.model.RegisteredModel;
import dev.keel.core.model.VersionDraft;
import dev.keel.core.store.MlflowModelStore;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Access.Need;
import dev.keel.server.auth.Authorizer.Resource;
import dev.keel.server.auth.Principal;
import dev.keel.server.http.Request;
import dev.keel.server.http.Router;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static dev.keel.server.mlflow.MlflowApi.wrap;

/**
 * MLflow's model registry ({@code /mlflow/registered-models/…}, {@code /mlflow/model-versions/…})
 * over Keel's own ({@link ModelStore}): a registered model is a Keel model and a model version a
 * Keel version, so {@code keel model ls} and MLflow's clients see the same models, versions and
 * aliases. What Keel's registry does not model is kept beside it: a version's MLflow source,
 * stage, logged model and run link as tags under {@code _mlflow.} (hidden from MLflow's tag
 * lists), and a model MLflow created before its first version in {@link MlflowModelStore}.
 *
 * <p>Access follows the model's project, as for the rest of MLflow's API: reading needs read
 * access, changing needs write access; a model the caller may not see answers as a missing one.
 * A model with no version yet has no project: only its creator (or an admin) sees it.
 */
final class RegistryRoutes {
    static final String HIDDEN = "_mlflow.";
    private static final String SOURCE = HIDDEN + "source";
    private static final String STAGE = HIDDEN + "stage";
    private static final String MODEL_ID = HIDDEN + "model_id";
    private static final String RUN_LINK = HIDDEN + "run_link";
    private static final List<String> STAGES = List.of("None", "Staging", "Production", "Archived");
    private static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/";
    private static final String READ = "read access to the model's project";
    private static final String WRITE = "write access to the model's project";

    private final ServerContext ctx;
    private final MlflowAccess access;
    private final LoggedModelRoutes loggedModels;
    private final RegistrySources sources;

    RegistryRoutes(ServerContext ctx, MlflowAccess access, Experiments experiments) {
        this.ctx = ctx;
        this.access = access;
        this.loggedModels = new LoggedModelRoutes(ctx, access, experiments);
        this.sources = new RegistrySources(ctx, access, loggedModels, experiments);
    }

    private ModelStore models() {
        return ctx.store().models();
    }

    private MlflowModelStore empties() {
        return ctx.store()
                .mlflowModels()
                .orElseThrow(() -> new KeelException(
                        ErrorCode.INTERNAL_ERROR,
                        "MLflow's model registry needs a SQL run store (SQLite or PostgreSQL): start the server with"
                                + " --db jdbc:…"));
    }

    /** A registered model as MLflow sees it: Keel's model, or a placeholder with no versions yet. */
    private record Found(RegisteredModel model, boolean empty) {
        String name() {
            return model.name();
        }
    }

    void register(Router router, String p) {
        String rm = p + "registered-models/";
        String mv = p + "model-versions/";
        router.post(
                rm + "create",
                Access.inHandler("any caller who may create a project (the model gets its first version's project)"),
                "MLflow: create a registered model (a Keel model once its first version is registered)",
                wrap(this::createModel));
        router.get(rm + "get", Access.inHandler(READ), "MLflow: one registered model", wrap(r -> {
            Found m = find(r.principal(), Fields.of(r).required("name"), Need.READ);
            return Map.of("registered_model", modelView(m));
        }));
        router.get(
                rm + "search",
                Access.inHandler("lists only models the caller may read"),
                "MLflow: search registered models (filter, order_by, max_results, page_token)",
                wrap(this::searchModels));
        router.post(rm + "rename", Access.inHandler(WRITE), "MLflow: rename a registered model", wrap(r -> {
            Fields f = Fields.of(r);
            Found m = find(r.principal(), f.required("name"), Need.WRITE);
            String newName = f.required("new_name");
            ModelRef.checkName(newName, newName);
            if (exists(newName)) {
                throw new KeelException(
                        ErrorCode.RESOURCE_ALREADY_EXISTS, "Registered Model (name=" + newName + ") already exists.");
            }
            if (m.empty()) {
                empties().renameEmptyModel(m.name(), newName, System.currentTimeMillis());
            } else {
                models().rename(m.name(), newName);
            }
            return Map.of("registered_model", modelView(find(r.principal(), newName, Need.READ)));
        }));
        router.patch(
                rm + "update", Access.inHandler(WRITE), "MLflow: change a registered model's description", wrap(r -> {
                    Fields f = Fields.of(r);
                    Found m = find(r.principal(), f.required("name"), Need.WRITE);
                    if (f.has("description")) {
                        describe(m, f.string("description"));
                    }
                    return Map.of("registered_model", modelView(find(r.principal(), m.name(), Need.READ)));
                }));
        router.delete(
                rm + "delete",
                Access.inHandler(WRITE),
                "MLflow: delete a registered model with its versions and aliases",
                wrap(r -> {
                    Found m = find(r.principal(), Fields.of(r).required("name"), Need.WRITE);
                    String by = user(r.principal());
                    if (!m.empty()) {
                        for (String alias : models().aliases(m.name()).keySet()) {
                            models().removeAlias(m.name(), alias, by);
                        }
                        for (ModelVersion v : models().versions(m.name())) {
                            models().deleteVersion(m.name(), v.version());
                        }
                    }
                    empties().deleteEmptyModel(m.name());
                    return Map.of();
                }));
        router.post(rm + "set-tag", Access.inHandler(WRITE), "MLflow: set a registered model's tag", wrap(r -> {
            Fields f = Fields.of(r);
            Found m = find(r.principal(), f.required("name"), Need.WRITE);
            String key = tagKey(f.string("key"));
            String value = Limits.tagValue(key, f.string("value") == null ? "" : f.string("value"));
            tagModel(m, key, value);
            return Map.of();
        }));
        router.delete(rm + "delete-tag", Access.inHandler(WRITE), "MLflow: delete a registered model's tag", wrap(r -> {
            Fields f = Fields.of(r);
            Found m = find(r.principal(), f.required("name"), Need.WRITE);
            tagModel(m, tagKey(f.string("key")), "");
            return Map.of();
        }));
        router.post(rm + "alias", Access.inHandler(WRITE), "MLflow: point an alias at a version", wrap(r -> {
            Fields f = Fields.of(r);
            Found m = find(r.principal(), f.required("name"), Need.WRITE);
            String alias = f.required("alias");
            ModelRef.checkAlias(alias);
            int version = versionNumber(f.required("version"));
            requireVersion(m, version);
            models().moveAlias(m.name(), alias, version, user(r.principal()));
            return Map.of();
        }));
        router.delete(rm + "alias", Access.inHandler(WRITE), "MLflow: remove an alias", wrap(r -> {
            Fields f = Fields.of(r);
            Found m = find(r.principal(), f.required("name"), Need.WRITE);
            if (!m.empty()) {
                models().removeAlias(m.name(), f.required("alias"), user(r.principal()));
            }
            return Map.of();
        }));
        router.get(rm + "alias", Access.inHandler(READ), "MLflow: the version an alias points at", wrap(r -> {
            Fields f = Fields.of(r);
            Found m = find(r.principal(), f.required("name"), Need.READ);
            String alias = f.required("alias");
            Integer v = m.empty() ? null : models().aliases(m.name()).get(alias);
            if (v == null) {
                throw KeelException.notFound(
                        "Registered model alias " + alias + " not found for model " + m.name() + ".");
            }
            return Map.of("model_version", versionView(requireVersion(m, v)));
        }));
        router.post(
                rm + "get-latest-versions",
                Access.inHandler(READ),
                "MLflow: the newest version in each stage",
                wrap(this::latestVersions));
        router.get(
                rm + "get-latest-versions",
                Access.inHandler(READ),
                "MLflow: the newest version in each stage (GET form)",
                wrap(this::latestVersions));

        router.post(
                mv + "create",
                Access.inHandler(WRITE + " and read access to the source run or logged model"),
                "MLflow: register a version from a logged model or a run's artifacts (no bytes copied)",
                wrap(this::createVersion));
        router.get(mv + "get", Access.inHandler(READ), "MLflow: one model version", wrap(r -> {
            Fields f = Fields.of(r);
            Found m = find(r.principal(), f.required("name"), Need.READ);
            return Map.of("model_version", versionView(requireVersion(m, versionNumber(f.required("version")))));
        }));
        router.get(
                mv + "search",
                Access.inHandler("lists only versions of models the caller may read"),
                "MLflow: search model versions (filter, order_by, max_results, page_token)",
                wrap(this::searchVersions));
        router.patch(mv + "update", Access.inHandler(WRITE), "MLflow: change a version's description", wrap(r -> {
            Fields f = Fields.of(r);
            Found m = find(r.principal(), f.required("name"), Need.WRITE);
            ModelVersion v = requireVersion(m, versionNumber(f.required("version")));
            if (f.has("description")) {
                models().describe(m.name(), v.version(), f.string("description"));
            }
            return Map.of("model_version", versionView(requireVersion(m, v.version())));
        }));
        router.delete(mv + "delete", Access.inHandler(WRITE), "MLflow: delete a model version", wrap(r -> {
            Fields f = Fields.of(r);
            Found m = find(r.principal(), f.required("name"), Need.WRITE);
            ModelVersion v = requireVersion(m, versionNumber(f.required("version")));
            // as MLflow: a deleted version takes its aliases with it
            models().aliases(m.name()).forEach((alias, n) -> {
                if (n == v.version()) {
                    models().removeAlias(m.name(), alias, user(r.principal()));
                }
            });
            boolean last = models().versions(m.name()).size() == 1;
            RegisteredModel keel = m.model();
            models().deleteVersion(m.name(), v.version());
            if (last) {
                // MLflow keeps a registered model without versions; Keel removes it with its last one
                empties()
                        .createEmptyModel(
                                keel.name(), keel.owner(), keel.description(), keel.tags(), System.currentTimeMillis());
            }
            return Map.of();
        }));
        router.post(mv + "set-tag", Access.inHandler(WRITE), "MLflow: set a version's tag", wrap(r -> {
            Fields f = Fields.of(r);
            Found m = find(r.principal(), f.required("name"), Need.WRITE);
            ModelVersion v = requireVersion(m, versionNumber(f.required("version")));
            String key = tagKey(f.string("key"));
            models().tag(m.name(), v.version(), Map.of(key, Limits.tagValue(key, nz(f.string("value")))));
            return Map.of();
        }));
        router.delete(mv + "delete-tag", Access.inHandler(WRITE), "MLflow: delete a version's tag", wrap(r -> {
            Fields f = Fields.of(r);
            Found m = find(r.principal(), f.required("name"), Need.WRITE);
            ModelVersion v = requireVersion(m, versionNumber(f.required("version")));
            models().tag(m.name(), v.version(), Map.of(tagKey(f.string("key")), ""));
            return Map.of();
        }));
        router.post(
                mv + "transition-stage",
                Access.inHandler(WRITE),
                "MLflow: move a version to a stage (None, Staging, Production, Archived)",
                wrap(r -> {
                    Fields f = Fields.of(r);
                    Found m = find(r.principal(), f.required("name"), Need.WRITE);
                    ModelVersion v = requireVersion(m, versionNumber(f.required("version")));
                    String stage = stage(f.required("stage"));
                    boolean archive = "true".equalsIgnoreCase(f.string("archive_existing_versions"));
                    if (archive && (stage.equals("Staging") || stage.equals("Production"))) {
                        for (ModelVersion other : models().versions(m.name())) {
                            if (other.version() != v.version() && stage.equals(stageOf(other))) {
                                models().tag(m.name(), other.version(), Map.of(STAGE, "Archived"));
                            }
                        }
                    }
                    models().tag(m.name(), v.version(), Map.of(STAGE, stage.equals("None") ? "" : stage));
                    return Map.of("model_version", versionView(requireVersion(m, v.version())));
                }));
        router.get(
                mv + "get-download-uri",
                Access.inHandler(READ),
                "MLflow: where a version's files download from (its own immutable manifest)",
                wrap(r -> {
                    Fields f = Fields.of(r);
                    Found m = find(r.principal(), f.required("name"), Need.READ);
                    ModelVersion v = requireVersion(m, versionNumber(f.required("version")));
                    return Map.of("artifact_uri", downloadUri(v));
                }));
    }

    /** The artifact proxy's read-only routes for a version's files: {@code registered-models/NAME/N/PATH}. */
    void registerArtifacts(Router router) {
        router.get(
                ARTIFACTS + "artifacts/registered-models/{name}/{version}/{path*}",
                Access.inHandler(READ),
                "MLflow: download a model version's file",
                wrap(r -> {
                    Found m = find(r.principal(), r.param("name"), Need.READ);
                    ModelVersion v = requireVersion(m, versionNumber(r.param("version")));
                    String path = LoggedModelRoutes.strip(Limits.artifactPath(r.param("path")));
                    ModelFile file = v.files().stream()
                            .filter(x -> x.path().equals(path))
                            .findFirst()
                            .orElseThrow(() -> KeelException.notFound("No file '" + path + "' in " + v.ref()));
                    return loggedModels.download(file);
                }));
    }

    /** True for an artifact proxy path below a model version: {@code registered-models/NAME/N…}. */
    static boolean owns(String path) {
        return path.startsWith("registered-models/") && path.split("/", 4).length >= 3;
    }

    /** The listing of {@code GET mlflow-artifacts/artifacts?path=registered-models/NAME/N[/dir]}. */
    Map<String, Object> listProxy(Request r, String path) {
        String[] parts = path.split("/", 4);
        Found m = find(r.principal(), parts[1], Need.READ);
        ModelVersion v = requireVersion(m, versionNumber(parts[2]));
        String dir = parts.length == 4 ? LoggedModelRoutes.strip(Limits.artifactPath(parts[3])) : "";
        String prefix = dir.isEmpty() ? "" : dir + "/";
        Map<String, Map<String, Object>> entries = new TreeMap<>();
        for (ModelFile f : v.files()) {
            if (!f.path().startsWith(prefix)) {
                continue;
            }
            String rest = f.path().substring(prefix.length());
            int slash = rest.indexOf('/');
            String base = slash < 0 ? rest : rest.substring(0, slash);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", base);
            e.put("is_dir", slash >= 0);
            if (slash < 0) {
                e.put("file_size", f.size());
            }
            entries.putIfAbsent(base, e);
        }
        return Map.of("files", new ArrayList<>(entries.values()));
    }

    private Object createModel(Request r) {
        Fields f = Fields.of(r);
        String name = f.required("name");
        ModelRef.checkName(name, name);
        Principal who = r.principal();
        if (who.anonymous() && !ctx.authorizer().canWrite(who, Resource.project(name))) {
            access.project(who, name, Need.WRITE); // answers as for a new project: sign in
        }
        if (exists(name)) {
            throw new KeelException(
                    ErrorCode.RESOURCE_ALREADY_EXISTS, "Registered Model (name=" + name + ") already exists.");
        }
        Map<String, String> tags = new TreeMap<>();
        for (Fields t : f.objects("tags")) {
            String key = tagKey(t.string("key"));
            tags.put(key, Limits.tagValue(key, nz(t.string("value"))));
        }
        empties().createEmptyModel(name, user(who), nz(f.string("description")), tags, System.currentTimeMillis());
        return Map.of("registered_model", modelView(find(who, name, Need.READ)));
    }

    private Object createVersion(Request r) {
        Fields f = Fields.of(r);
        Principal who = r.principal();
        Found m = find(who, f.required("name"), Need.WRITE);
        String source = f.required("source");
        RegistrySources.Source src = sources.resolve(who, source, f.string("model_id"), f.string("run_id"));
        String runId = nz(f.string("run_id")).isEmpty() ? src.runId() : f.string("run_id");
        for (ModelFile file : src.files()) {
            if (!ctx.blobs().has(file.hash())) {
                throw KeelException.invalid("the file " + file.path() + " of " + source
                        + " never reached the server: log the model again, then register it");
            }
        }
        Map<String, String> tags = new TreeMap<>();
        for (Fields t : f.objects("tags")) {
            String key = tagKey(t.string("key"));
            tags.put(key, Limits.tagValue(key, nz(t.string("value"))));
        }
        tags.put(SOURCE, source);
        if (!src.modelId().isEmpty()) {
            tags.put(MODEL_ID, src.modelId());
        }
        if (!nz(f.string("run_link")).isEmpty()) {
            tags.put(RUN_LINK, f.string("run_link"));
        }
        String project = m.empty() ? src.project() : m.model().project();
        if (m.empty()) {
            // the model's first version puts it in the source's project: the caller must be able to write there
            access.project(who, project, Need.WRITE);
        }
        VersionDraft draft =
                new VersionDraft(src.files(), sources.lineage(runId), "", tags, nz(f.string("description")), user(who));
        ModelVersion v = models().register(m.name(), project, m.model().owner(), draft);
        if (m.empty()) {
            // the placeholder's description and tags move to the Keel model that now exists
            if (!m.model().tags().isEmpty()) {
                models().tag(m.name(), 0, m.model().tags());
            }
            if (!m.model().description().isEmpty()) {
                models().describe(m.name(), 0, m.model().description());
            }
            empties().deleteEmptyModel(m.name());
        }
        return Map.of("model_version", versionView(v));
    }

    private Object latestVersions(Request r) {
        Fields f = Fields.of(r);
        Found m = find(r.principal(), f.required("name"), Need.READ);
        List<String> stages = new ArrayList<>();
        for (String s : f.strings("stages")) {
            stages.add(stage(s));
        }
        List<Object> out = new ArrayList<>();
        for (ModelVersion v : latestPerStage(m)) {
            if (stages.isEmpty() || stages.contains(stageOf(v))) {
                out.add(versionView(v));
            }
        }
        return Map.of("model_versions", out);
    }

    private List<ModelVersion> latestPerStage(Found m) {
        if (m.empty()) {
            return List.of();
        }
        Map<String, ModelVersion> latest = new TreeMap<>();
        for (ModelVersion v : models().versions(m.name())) {
            latest.put(stageOf(v), v); // oldest first: the last one wins
        }
        return new ArrayList<>(latest.values());
    }

    private Object searchModels(Request r) {
        Fields f = Fields.of(r);
        Principal who = r.principal();
        access.requireListing(who);
        List<SearchFilter.Clause> clauses = SearchFilter.parse(f.string("filter"));
        List<Found> found = new ArrayList<>();
        for (Found m : all()) {
            if (visible(who, m, Need.READ) && modelMatches(clauses, m)) {
                found.add(m);
            }
        }
        found.sort(modelOrder(f.strings("order_by")));
        return PageToken.page(f, found, 100, Limits.MAX_RESULTS, "registered_models", this::modelView);
    }

    private Object searchVersions(Request r) {
        Fields f = Fields.of(r);
        Principal who = r.principal();
        access.requireListing(who);
        List<SearchFilter.Clause> clauses = SearchFilter.parse(f.string("filter"));
        String onlyName = null;
        for (SearchFilter.Clause c : clauses) {
            if (c.kind() == SearchFilter.Kind.ATTRIBUTE && c.key().equals("name") && c.op().equals("=")) {
                onlyName = String.valueOf(c.value());
            }
        }
        List<ModelVersion> found = new ArrayList<>();
        for (RegisteredModel m : models().models()) {
            if ((onlyName != null && !onlyName.equals(m.name())) || !visible(who, new Found(m, false), Need.READ)) {
                continue;
            }
            for (ModelVersion v : models().versions(m.name())) {
                if (versionMatches(clauses, v)) {
                    found.add(v);
                }
            }
        }
        found.sort(versionOrder(f.strings("order_by")));
        return PageToken.page(f, found, 10_000, 200_000, "model_versions", this::versionView);
    }

    private boolean modelMatches(List<SearchFilter.Clause> clauses, Found m) {
        for (SearchFilter.Clause c : clauses) {
            String v;
            if (c.kind() == SearchFilter.Kind.TAG) {
                v = m.model().tags().get(c.key());
            } else if (c.kind() == SearchFilter.Kind.ATTRIBUTE && c.key().equals("name")) {
                v = m.name();
            } else {
                throw KeelException.invalid("Invalid filter for registered models: '" + c.key()
                        + "': use name or tags.KEY, e.g. name LIKE 'apparel%'");
            }
            // MLflow's clients exclude prompts with tags.`mlflow.prompt.is_prompt` != 'true': a model
            // without the tag must match that, so != holds for a missing tag here
            boolean holds = v == null ? c.op().equals("!=") : compare(c, v);
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    private boolean versionMatches(List<SearchFilter.Clause> clauses, ModelVersion v) {
        for (SearchFilter.Clause c : clauses) {
            String value;
            if (c.kind() == SearchFilter.Kind.TAG) {
                value = c.key().startsWith(HIDDEN) ? null : v.tags().get(c.key());
            } else if (c.kind() == SearchFilter.Kind.ATTRIBUTE) {
                value = switch (c.key()) {
                    case "name" -> v.model();
                    case "run_id" -> v.lineage().runId();
                    case "source", "source_path" -> v.tags().getOrDefault(SOURCE, "");
                    case "version", "version_number" -> Integer.toString(v.version());
                    case "model_id" -> v.tags().getOrDefault(MODEL_ID, "");
                    default ->
                        throw KeelException.invalid("Invalid filter for model versions: '" + c.key()
                                + "': use name, run_id, source_path, version_number or tags.KEY");
                };
            } else {
                throw KeelException.invalid("Invalid filter for model versions: use name, run_id, source_path,"
                        + " version_number or tags.KEY");
            }
            if (value == null) {
                return false;
            }
            if (c.value() instanceof Double d) {
                if (!SearchFilter.NUMERIC_OPS.contains(c.op())) {
                    throw KeelException.invalid("'" + c.key() + "' compares with =, !=, >, >=, <, <=");
                }
                if (!SearchFilter.compares(c.op(), Double.compare(Double.parseDouble(value), d))) {
                    return false;
                }
            } else if (!compare(c, value)) {
                return false;
            }
        }
        return true;
    }

    private static boolean compare(SearchFilter.Clause c, String v) {
        if (c.value() instanceof List<?> list) {
            return c.op().toUpperCase(Locale.ROOT).startsWith("NOT") != list.contains(v);
        }
        if (!(c.value() instanceof String s)) {
            throw KeelException.invalid("'" + c.key() + "' compares with a quoted string");
        }
        return switch (c.op().toUpperCase(Locale.ROOT)) {
            case "=" -> v.equals(s);
            case "!=" -> !v.equals(s);
            case "LIKE" -> SearchFilter.like(v, s, false);
            case "ILIKE" -> SearchFilter.like(v, s, true);
            default -> throw KeelException.invalid("'" + c.key() + "' compares with =, !=, LIKE, ILIKE or IN");
        };
    }

    private static Comparator<Found> modelOrder(List<String> orderBy) {
        Comparator<Found> out = (a, b) -> 0;
        for (String entry : orderBy) {
            SearchFilter.Clause c = SearchFilter.identifier(entry);
            Comparator<Found> key = switch (c.key()) {
                case "name" -> Comparator.comparing(Found::name);
                case "timestamp", "creation_timestamp" ->
                    Comparator.comparingLong(m -> m.model().createdAt());
                case "last_updated_timestamp" ->
                    Comparator.comparingLong(m -> m.model().updatedAt());
                default ->
                    throw KeelException.invalid("Invalid order_by key '" + c.key() + "' for registered models: use"
                            + " name, creation_timestamp or last_updated_timestamp");
            };
            out = out.thenComparing("DESC".equalsIgnoreCase(c.op()) ? key.reversed() : key);
        }
        return out.thenComparing(Found::name);
    }

    private static Comparator<ModelVersion> versionOrder(List<String> orderBy) {
        Comparator<ModelVersion> out = (a, b) -> 0;
        for (String entry : orderBy) {
            SearchFilter.Clause c = SearchFilter.identifier(entry);
            Comparator<ModelVersion> key = switch (c.key()) {
                case "name" -> Comparator.comparing(ModelVersion::model);
                case "version", "version_number" -> Comparator.comparingInt(ModelVersion::version);
                case "timestamp", "creation_timestamp", "last_updated_timestamp" ->
                    Comparator.comparingLong(ModelVersion::createdAt);
                default ->
                    throw KeelException.invalid("Invalid order_by key '" + c.key() + "' for model versions: use"
                            + " name, version_number, creation_timestamp or last_updated_timestamp");
            };
            out = out.thenComparing("DESC".equalsIgnoreCase(c.op()) ? key.reversed() : key);
        }
        return out.thenComparing(ModelVersion::model)
                .thenComparing(Comparator.comparingInt(ModelVersion::version).reversed());
    }

    private List<Found> all() {
        List<Found> out = new ArrayList<>();
        for (RegisteredModel m : models().models()) {
            out.add(new Found(m, false));
        }
        for (RegisteredModel m : empties().emptyModels()) {
            out.add(new Found(m, true));
        }
        return out;
    }

    private boolean exists(String name) {
        return models().model(name).isPresent() || empties().emptyModel(name).isPresent();
    }

    /** The model, when the caller may read (or change) it; a hidden one answers as a missing one. */
    private Found find(Principal who, String name, Need need) {
        Found found = models().model(name)
                .map(m -> new Found(m, false))
                .or(() -> empties().emptyModel(name).map(m -> new Found(m, true)))
                .orElseThrow(() -> Hidden.answer(who, notFound(name).getMessage()));
        if (found.empty()) {
            if (!visible(who, found, need)) {
                throw Hidden.answer(who, notFound(name).getMessage());
            }
            return found;
        }
        try {
            access.project(who, found.model().project(), need);
        } catch (KeelException e) {
            if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                throw Hidden.answer(who, notFound(name).getMessage());
            }
            throw e;
        }
        return found;
    }

    private boolean visible(Principal who, Found m, Need need) {
        if (m.empty()) {
            String owner = m.model().owner();
            return who.admin() || owner.isEmpty() || owner.equals(who.user());
        }
        Resource project = Resource.project(m.model().project());
        return need == Need.READ
                ? ctx.authorizer().canRead(who, project)
                : ctx.authorizer().canWrite(who, project);
    }

    private static KeelException notFound(String name) {
        return KeelException.notFound("Registered Model with name=" + name + " not found");
    }

    private ModelVersion requireVersion(Found m, int version) {
        return (m.empty() ? Optional.<ModelVersion>empty() : models().version(m.name(), version))
                .orElseThrow(() -> KeelException.notFound(
                        "Model Version (name=" + m.name() + ", version=" + version + ") not found"));
    }

    private static int versionNumber(String text) {
        try {
            int v = Integer.parseInt(text.strip());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw KeelException.invalid("Parameter 'version' must be a positive integer (1, 2, …), got '" + text + "'");
    }

    private static String stage(String text) {
        for (String s : STAGES) {
            if (s.equalsIgnoreCase(text.strip())) {
                return s;
            }
        }
        throw KeelException.invalid(
                "Invalid Model Version stage: " + text + ". Value must be one of " + String.join(", ", STAGES) + ".");
    }

    private static String stageOf(ModelVersion v) {
        return v.tags().getOrDefault(STAGE, "None");
    }

    private static String tagKey(String key) {
        String k = Limits.key("tag", key);
        if (k.startsWith(HIDDEN)) {
            throw KeelException.invalid("tag keys starting with '" + HIDDEN + "' are kept by this server for what"
                    + " MLflow's registry records (source, stage); choose another key");
        }
        return k;
    }

    private void tagModel(Found m, String key, String value) {
        if (m.empty()) {
            Map<String, String> tags = new TreeMap<>(m.model().tags());
            if (value.isEmpty()) {
                tags.remove(key);
            } else {
                tags.put(key, value);
            }
            empties().updateEmptyModel(m.name(), m.model().description(), tags, System.currentTimeMillis());
        } else {
            models().tag(m.name(), 0, Map.of(key, value));
        }
    }

    private void describe(Found m, String description) {
        if (m.empty()) {
            empties().updateEmptyModel(m.name(), nz(description), m.model().tags(), System.currentTimeMillis());
        } else {
            models().describe(m.name(), 0, nz(description));
        }
    }

    private static String user(Principal who) {
        return who.anonymous() ? "" : who.user();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String downloadUri(ModelVersion v) {
        return "mlflow-artifacts:/registered-models/" + v.model() + "/" + v.version();
    }

    private Map<String, Object> modelView(Found m) {
        RegisteredModel rm = m.model();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", rm.name());
        out.put("creation_timestamp", rm.createdAt());
        out.put("last_updated_timestamp", rm.updatedAt());
        if (!rm.owner().isEmpty()) {
            out.put("user_id", rm.owner());
        }
        out.put("description", rm.description());
        List<Object> latest = new ArrayList<>();
        for (ModelVersion v : latestPerStage(m)) {
            latest.add(versionView(v));
        }
        out.put("latest_versions", latest);
        out.put("tags", MlflowViews.keyValues(visibleTags(rm.tags())));
        List<Object> aliases = new ArrayList<>();
        if (!m.empty()) {
            models().aliases(rm.name()).forEach((alias, version) -> {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("alias", alias);
                a.put("version", Integer.toString(version));
                aliases.add(a);
            });
        }
        out.put("aliases", aliases);
        return out;
    }

    private Map<String, Object> versionView(ModelVersion v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", v.model());
        out.put("version", Integer.toString(v.version()));
        out.put("creation_timestamp", v.createdAt());
        out.put("last_updated_timestamp", v.createdAt());
        if (!v.createdBy().isEmpty()) {
            out.put("user_id", v.createdBy());
        }
        out.put("current_stage", stageOf(v));
        out.put("description", v.description());
        out.put("source", v.tags().getOrDefault(SOURCE, downloadUri(v)));
        if (!v.lineage().runId().isEmpty()) {
            out.put("run_id", v.lineage().runId());
        }
        out.put("status", "READY");
        out.put("tags", MlflowViews.keyValues(visibleTags(v.tags())));
        if (v.tags().containsKey(RUN_LINK)) {
            out.put("run_link", v.tags().get(RUN_LINK));
        }
        List<String> aliases = new ArrayList<>();
        models().aliases(v.model()).forEach((alias, n) -> {
            if (n == v.version()) {
                aliases.add(alias);
            }
        });
        out.put("aliases", aliases);
        if (v.tags().containsKey(MODEL_ID)) {
            out.put("model_id", v.tags().get(MODEL_ID));
        }
        return out;
    }

    private static Map<String, String> visibleTags(Map<String, String> tags) {
        Map<String, String> out = new TreeMap<>();
        tags.forEach((k, v) -> {
            if (!k.startsWith(HIDDEN)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
