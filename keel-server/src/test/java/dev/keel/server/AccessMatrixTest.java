package dev.keel.server;

import dev.keel.core.Ids;
import dev.keel.core.RunFile;
import dev.keel.core.blob.Hashes;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.Visibility;
import dev.keel.core.flow.ProjectFlow;
import dev.keel.core.model.Lineage;
import dev.keel.core.model.ModelFile;
import dev.keel.core.model.ModelRegistry;
import dev.keel.core.model.Registration;
import dev.keel.core.model.VersionDraft;
import dev.keel.core.store.ExperimentStore;
import dev.keel.core.store.LoggedModel;
import dev.keel.core.store.MlflowModelStore;
import dev.keel.core.store.WriteBatch;
import dev.keel.core.sweep.Proposal;
import dev.keel.data.AddOptions;
import dev.keel.data.Datasets;
import dev.keel.server.auth.Access;
import dev.keel.server.http.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * THE access matrix: every route of a team server × {anonymous, other user, team member, owner,
 * admin} × {private, team, public} × anonymous reads off and on, each asserted allowed or denied
 * with the exact status. A route without an entry in {@link #TABLE} fails the test, so a new
 * endpoint cannot ship unchecked.
 *
 * <p><b>Adding a route</b>: one line in {@link #TABLE}: {@code e("METHOD /pattern", RULE)},
 * plus {@code .body("…")} for a valid body and {@code .param("name", "value")} for parameters
 * the fixtures do not fill ({@code .bodyFrom(s -> …)} and {@code .paramFrom("name", s -> …)}
 * compute them from the cell's {@link Sample} and its {@code fixture()}). Path parameters {@code {project}}, {@code {id}} (a run of that
 * project), {@code {dataset}}, {@code {user}} ({@code owner}), {@code {key}} (a key of
 * {@code owner}), {@code {team}} (a team with {@code other} in it) and {@code {key*}}
 * ({@code loss}) are filled from fixtures owned by {@code owner} with the cell's visibility;
 * non-GET requests get fresh fixtures after a request that got through, so writes do not disturb
 * later cells (a refused request reuses them: it must have changed nothing). Bodies may use
 * {@code ${project}}, {@code ${run}}, {@code ${dataset}}, {@code ${visibility}}, {@code ${n}}
 * (a fresh number), {@code ${owner_key}}, {@code ${experiment}} (the project's MLflow
 * experiment id) and {@code ${artifact}} (a file in the run's artifacts). RULE says who must
 * get through, independently of the rule the route declares: that is what is being tested.
 * {@code .shows(s -> …)} names text a successful reply must contain exactly when the caller may
 * read the sample (how a list or search proves it filters); {@code .allowedStatus(501)} is for a
 * route that answers every allowed caller with one status.
 *
 * <p>Every cell also checks that no reply names a sample project, run or dataset that the
 * caller may not read and did not send (e.g. the project behind an MLflow experiment id).
 *
 * <p>Blob routes must be scoped by a run, project or dataset (READ/WRITE rules): knowing a
 * content hash grants nothing, which {@link #blobRoutesAreScoped} checks for every route.
 */
class AccessMatrixTest {

    enum Caller {
        ANONYMOUS,
        OTHER,
        MEMBER,
        OWNER,
        ADMIN
    }

    /** Who must get through. */
    enum Rule {
        /** everyone, anonymous included */
        ANYONE,
        /** any signed-in user */
        SIGNED_IN,
        ADMIN,
        /** the user named by {user} ({@code owner}) and admins */
        SELF_OR_ADMIN,
        /** who may see the project/run/dataset: owner, team for team/public, everyone for public */
        READ,
        /** owner, team members for team/public; others who can see it get 403 */
        WRITE,
        /** owner and admins only (visibility, ownership) */
        MANAGE,
        /**
         * a list or search that names only what the caller may read: any signed-in user, anonymous
         * callers only when the server allows anonymous reads (see {@link Entry#shows})
         */
        LIST
    }

    /** A sweep configuration (grid over x) as a JSON string's content. */
    static final String SWEEP_CONFIG = "name: m\\nmethod: grid\\nmetric:\\n  name: loss\\n  goal: minimize\\n"
            + "parameters:\\n  x:\\n    values: [1, 2]\\ncommand: [./run]\\n";

    /** The bytes of the sample's MLflow artifact ({@code ${artifact}}). */
    static final String ARTIFACT_TEXT = "weights of the sample model";

    static final List<Entry> TABLE = withMlflowAliases(concat(
            List.of(
                    e("GET /healthz", Rule.ANYONE),
                    // operations: counts by route pattern only, and the API's description
                    e("GET /metrics", Rule.ANYONE),
                    e("GET /api/v1/openapi.json", Rule.ANYONE),
                    // runs and projects (RunsReadApi)
                    e("GET /api/v1/projects", Rule.SIGNED_IN),
                    e("GET /api/v1/projects/{project}", Rule.READ),
                    e("GET /api/v1/projects/{project}/runs", Rule.READ),
                    e("GET /api/v1/runs/{id}", Rule.READ),
                    e("GET /api/v1/runs/{id}/provenance", Rule.READ),
                    e("GET /api/v1/runs/{id}/metrics", Rule.READ),
                    e("GET /api/v1/runs/{id}/metrics/{key*}", Rule.READ),
                    e("GET /api/v1/runs/{id}/console", Rule.READ),
                    e("GET /api/v1/runs/{id}/files", Rule.READ),
                    // writing runs and the remote SDK (RunsWriteApi)
                    e("GET /api/v1/runs", Rule.SIGNED_IN),
                    e("POST /api/v1/projects/{project}/runs", Rule.WRITE)
                            .bodyFrom(s -> "{\"id\": \"" + Ids.newRunId() + "\", \"name\": \"m\"}"),
                    e("GET /api/v1/projects/{project}/next-ordinal", Rule.READ),
                    // the project's flow (FlowApi)
                    e("GET /api/v1/projects/{project}/flow", Rule.READ),
                    e("PUT /api/v1/projects/{project}/flow", Rule.WRITE)
                            .body("{\"stages\": [{\"name\": \"train\", \"command\": \"./run train\"}], \"edges\": []}"),
                    e("POST /api/v1/runs/{id}/batches", Rule.WRITE).body("{\"summary\": {\"acc\": 1}}"),
                    e("GET /api/v1/runs/{id}/log-offset", Rule.READ),
                    e("DELETE /api/v1/runs/{id}", Rule.WRITE),
                    e("HEAD /api/v1/runs/{id}/blobs/{hash}", Rule.WRITE).param("hash", "sha256:" + "0".repeat(64)),
                    e("PUT /api/v1/runs/{id}/blobs/{hash}", Rule.WRITE)
                            .param("hash", "sha256:" + "0".repeat(64))
                            .body("x"),
                    // sessions (SessionApi)
                    e("POST /api/v1/session", Rule.ANYONE).body("{\"user\": \"owner\", \"api_key\": \"${owner_key}\"}"),
                    e("GET /api/v1/session", Rule.SIGNED_IN),
                    e("DELETE /api/v1/session", Rule.ANYONE),
                    // users, keys, teams (UsersApi)
                    e("GET /api/v1/me", Rule.SIGNED_IN),
                    e("GET /api/v1/users", Rule.ADMIN),
                    e("POST /api/v1/users", Rule.ADMIN).body("{\"name\": \"u${n}\"}"),
                    e("GET /api/v1/users/{user}/keys", Rule.SELF_OR_ADMIN),
                    e("POST /api/v1/users/{user}/keys", Rule.SELF_OR_ADMIN),
                    e("DELETE /api/v1/users/{user}/keys/{key}", Rule.SELF_OR_ADMIN),
                    // too short: allowed callers get the 400, and no cell pays for a PBKDF2 hash
                    e("PUT /api/v1/users/{user}/password", Rule.SELF_OR_ADMIN).body("{\"password\": \"short\"}"),
                    e("GET /api/v1/teams", Rule.SIGNED_IN),
                    e("POST /api/v1/teams", Rule.ADMIN).body("{\"name\": \"t${n}\"}"),
                    e("PUT /api/v1/teams/{team}/members/{user}", Rule.ADMIN).param("user", "other"),
                    e("DELETE /api/v1/teams/{team}/members/{user}", Rule.ADMIN).param("user", "other"),
                    // project ownership (ProjectAccessApi)
                    e("GET /api/v1/projects/{project}/access", Rule.READ),
                    e("PATCH /api/v1/projects/{project}", Rule.MANAGE).body("{\"visibility\": \"${visibility}\"}"),
                    // datasets (DatasetsApi, DatasetBlobsApi); {name} is a dataset owned by owner
                    e("GET /api/v1/datasets", Rule.SIGNED_IN),
                    e("GET /api/v1/datasets/{name}", Rule.READ),
                    e("PUT /api/v1/datasets/{name}", Rule.WRITE).body("{\"description\": \"d\"}"),
                    e("DELETE /api/v1/datasets/{name}", Rule.WRITE),
                    e("GET /api/v1/datasets/{name}/versions/{ref}", Rule.READ).param("ref", "v1"),
                    e("POST /api/v1/datasets/{name}/versions", Rule.WRITE).body("{}"),
                    e("DELETE /api/v1/datasets/{name}/versions/{ref}", Rule.WRITE)
                            .param("ref", "v1"),
                    e("GET /api/v1/datasets/{name}/versions/{ref}/files", Rule.READ)
                            .param("ref", "v1"),
                    e("GET /api/v1/datasets/{name}/versions/{ref}/manifest", Rule.READ)
                            .param("ref", "v1"),
                    e("GET /api/v1/datasets/{name}/versions/{ref}/runs", Rule.READ)
                            .param("ref", "v1"),
                    e("GET /api/v1/datasets/{name}/diff", Rule.READ).query("from=v1&to=v1"),
                    e("PUT /api/v1/datasets/{name}/tags/{tag}", Rule.WRITE)
                            .param("tag", "best")
                            .body("{\"ref\": \"v1\"}"),
                    e("DELETE /api/v1/datasets/{name}/tags/{tag}", Rule.WRITE).param("tag", "best"),
                    e("GET /api/v1/runs/{id}/inputs", Rule.READ),
                    e("POST /api/v1/datasets/{name}/blobs/missing", Rule.WRITE).body("{\"hashes\": []}"),
                    e("POST /api/v1/datasets/{name}/blobs", Rule.WRITE),
                    e("POST /api/v1/datasets/{name}/blobs/fetch", Rule.READ).body("{\"hashes\": []}"),
                    e("GET /api/v1/datasets/{name}/blobs/{hash}", Rule.READ)
                            .param("hash", "sha256:0000000000000000000000000000000000000000000000000000000000000000"),
                    // sweeps (SweepsApi): {sweep} is a sweep of the sample project whose trial 1 agent "matrix" holds
                    e("POST /api/v1/sweeps", Rule.WRITE)
                            .body("{\"project\": \"${project}\", \"name\": \"s\", \"config\": \"" + SWEEP_CONFIG
                                    + "\"}"),
                    e("GET /api/v1/sweeps", Rule.READ)
                            .query("project=${sweep_project}")
                            .shows(s -> s.get("sweep")),
                    e("GET /api/v1/sweeps/{sweep}", Rule.READ),
                    e("PATCH /api/v1/sweeps/{sweep}", Rule.WRITE).body("{\"state\": \"paused\"}"),
                    e("GET /api/v1/sweeps/{sweep}/trials", Rule.READ),
                    e("POST /api/v1/sweeps/{sweep}/claim", Rule.WRITE)
                            .bodyFrom(s -> "{\"agent\": \"matrix\", \"runId\": \"" + Ids.newRunId() + "\"}"),
                    e("POST /api/v1/sweeps/{sweep}/trials/{number}/heartbeat", Rule.WRITE)
                            .body("{\"agent\": \"matrix\"}"),
                    e("POST /api/v1/sweeps/{sweep}/trials/{number}/stop", Rule.WRITE)
                            .body("{\"reason\": \"enough\"}"),
                    e("POST /api/v1/sweeps/{sweep}/trials/{number}/end", Rule.WRITE)
                            .body("{\"agent\": \"matrix\", \"state\": \"finished\", \"metric\": 0.5}"),
                    e("POST /api/v1/sweeps/{sweep}/trials/{number}/resume", Rule.WRITE)
                            .body("{\"agent\": \"matrix\"}"),
                    e("GET /api/v1/runs/{id}/trial", Rule.READ).paramFrom("id", s -> s.get("trialrun")),
                    // the model registry (ModelsApi): {model} is a model of the sample project with versions 1 and 2
                    // (model.bin of the sample run) and production -> 1; a model's name alone grants nothing
                    e("GET /api/v1/models", Rule.READ)
                            .query("project=${model_project}")
                            .shows(s -> s.get("model")),
                    e("GET /api/v1/models/{model}", Rule.READ),
                    e("GET /api/v1/models/{model}/versions", Rule.READ),
                    e("POST /api/v1/models/{model}/versions", Rule.WRITE)
                            .body("{\"run\": \"${run}\", \"path\": \"model.bin\"}"),
                    e("GET /api/v1/models/{model}/versions/{version}", Rule.READ)
                            .param("version", "1"),
                    e("DELETE /api/v1/models/{model}/versions/{version}", Rule.WRITE)
                            .param("version", "2"),
                    e("GET /api/v1/models/{model}/versions/{version}/files/{file*}", Rule.READ)
                            .param("version", "1")
                            .param("file", "model.bin"),
                    e("POST /api/v1/models/{model}/tags", Rule.WRITE)
                            .body("{\"version\": 1, \"tags\": {\"k\": \"v\"}}"),
                    e("POST /api/v1/models/{model}/rename", Rule.MANAGE).body("{\"new_name\": \"${model}-renamed\"}"),
                    e("PATCH /api/v1/models/{model}", Rule.WRITE).body("{\"description\": \"classifies\"}"),
                    e("PATCH /api/v1/models/{model}/versions/{version}", Rule.WRITE)
                            .param("version", "1")
                            .body("{\"description\": \"the baseline\"}"),
                    e("GET /api/v1/models/{model}/aliases", Rule.READ),
                    e("GET /api/v1/models/{model}/aliases/{alias}", Rule.READ).param("alias", "production"),
                    e("PUT /api/v1/models/{model}/aliases/{alias}", Rule.WRITE)
                            .param("alias", "staging")
                            .body("{\"version\": \"v2\", \"require\": \"acc >= 0.5\"}"),
                    e("DELETE /api/v1/models/{model}/aliases/{alias}", Rule.WRITE)
                            .param("alias", "production"),
                    e("GET /api/v1/runs/{id}/models", Rule.READ),
                    // the drift panel of a version's page: the serving runs of the model's own project
                    e("GET /api/v1/models/{model}/versions/{version}/drift", Rule.READ)
                            .param("version", "1"),
                    // the dashboard (dev.keel.server.ui): pages and assets carry no data; its API routes do
                    e("GET /", Rule.ANYONE),
                    e("GET /projects/{project}", Rule.ANYONE),
                    e("GET /runs/{id}", Rule.ANYONE),
                    e("GET /compare", Rule.ANYONE),
                    e("GET /datasets", Rule.ANYONE),
                    e("GET /datasets/{name}", Rule.ANYONE).param("name", "anything"),
                    e("GET /models", Rule.ANYONE),
                    e("GET /models/{model}", Rule.ANYONE).param("model", "anything"),
                    e("GET /login", Rule.ANYONE),
                    e("GET /ui/{path*}", Rule.ANYONE).param("path", "app.js"),
                    e("GET /vendor/uplot.js", Rule.ANYONE),
                    e("GET /vendor/uplot.css", Rule.ANYONE),
                    e("GET /api/v1/series", Rule.READ).query("runs=${run}&keys=loss"),
                    e("GET /api/v1/runs/{id}/events", Rule.READ).query("seconds=0"),
                    e("GET /api/v1/projects/{project}/events", Rule.READ).query("seconds=0"),
                    e("PATCH /api/v1/runs/{id}", Rule.WRITE).body("{\"notes\": \"n\"}"),
                    e("GET /api/v1/projects/{project}/columns", Rule.READ),
                    e("GET /api/v1/projects/{project}/groups", Rule.READ).query("by=state"),
                    e("GET /api/v1/projects/{project}/runs.csv", Rule.READ),
                    e("GET /api/v1/runs/{id}/files/{name*}", Rule.READ).param("name", "diff.patch"),
                    e("GET /api/v1/runs/{id}/reproduce", Rule.READ),
                    e("GET /api/v1/runs/{id}/env-diff", Rule.READ).query("to=${run}"),
                    e("GET /api/v1/projects/{project}/flow-view", Rule.READ),
                    // the sweep page: a sweep id alone grants nothing, its project's read access does
                    e("GET /sweeps/{sweep}", Rule.ANYONE).param("sweep", "anything"),
                    e("GET /api/v1/sweeps/{sweep}/overview", Rule.READ),
                    e("GET /api/v1/sweeps/{sweep}/events", Rule.READ).query("seconds=0"),
                    e("GET /api/v1/projects/{project}/sweeps", Rule.READ),
                    // MLflow's API (dev.keel.server.mlflow) names its objects in the body or query: ${experiment}
                    // is the MLflow experiment of ${project}, ${artifact} a file in ${run}'s artifacts. Its
                    // /ajax-api/2.0/mlflow/... aliases get these entries too (withMlflowAliases)
                    // an experiment named like an existing project needs write access to it (and then exists)
                    // a name taken by an experiment the caller may not see is refused as taken (403), not as missing
                    e("POST /api/2.0/mlflow/experiments/create", Rule.WRITE)
                            .body("{\"name\": \"${project}\"}")
                            .hiddenStatus(403),
                    e("GET /api/2.0/mlflow/experiments/get", Rule.READ)
                            .query("experiment_id=${experiment}")
                            .shows(s -> s.get("project")),
                    e("GET /api/2.0/mlflow/experiments/get-by-name", Rule.READ)
                            .query("experiment_name=${project}")
                            .shows(s -> s.get("experiment")),
                    e("POST /api/2.0/mlflow/experiments/search", Rule.LIST)
                            .body("{\"filter\": \"name = '${project}'\"}")
                            .shows(s -> s.get("project")),
                    e("GET /api/2.0/mlflow/experiments/search", Rule.LIST)
                            .query("filter=name%20%3D%20%27${project}%27")
                            .shows(s -> s.get("project")),
                    e("POST /api/2.0/mlflow/experiments/delete", Rule.WRITE)
                            .body("{\"experiment_id\": \"${experiment}\"}"),
                    e("POST /api/2.0/mlflow/experiments/restore", Rule.WRITE)
                            .body("{\"experiment_id\": \"${experiment}\"}"),
                    e("POST /api/2.0/mlflow/experiments/update", Rule.WRITE)
                            .body("{\"experiment_id\": \"${experiment}\", \"new_name\": \"renamed-${n}\"}"),
                    e("POST /api/2.0/mlflow/experiments/set-experiment-tag", Rule.WRITE)
                            .body("{\"experiment_id\": \"${experiment}\", \"key\": \"k\", \"value\": \"v\"}"),
                    e("POST /api/2.0/mlflow/experiments/delete-experiment-tag", Rule.WRITE)
                            .bodyFrom(s -> "{\"experiment_id\": \"" + taggedExperiment(s, "k") + "\", \"key\": \"k\"}"),
                    e("POST /api/2.0/mlflow/runs/create", Rule.WRITE)
                            .body("{\"experiment_id\": \"${experiment}\", \"start_time\": 1}"),
                    e("GET /api/2.0/mlflow/runs/get", Rule.READ)
                            .query("run_id=${run}")
                            .shows(s -> s.get("run")),
                    e("POST /api/2.0/mlflow/runs/update", Rule.WRITE)
                            .body("{\"run_id\": \"${run}\", \"status\": \"FINISHED\", \"end_time\": 2000}"),
                    e("POST /api/2.0/mlflow/runs/delete", Rule.WRITE).body("{\"run_id\": \"${run}\"}"),
                    e("POST /api/2.0/mlflow/runs/restore", Rule.WRITE).body("{\"run_id\": \"${run}\"}"),
                    e("POST /api/2.0/mlflow/runs/log-metric", Rule.WRITE)
                            .body(
                                    "{\"run_id\": \"${run}\", \"key\": \"loss\", \"value\": 0.25, \"timestamp\": 2000, \"step\": 1}"),
                    e("POST /api/2.0/mlflow/runs/log-parameter", Rule.WRITE)
                            .body("{\"run_id\": \"${run}\", \"key\": \"batch\", \"value\": \"32\"}"),
                    e("POST /api/2.0/mlflow/runs/set-tag", Rule.WRITE)
                            .body("{\"run_id\": \"${run}\", \"key\": \"stage\", \"value\": \"dev\"}"),
                    e("POST /api/2.0/mlflow/runs/delete-tag", Rule.WRITE)
                            .bodyFrom(s -> "{\"run_id\": \"" + taggedRun(s, "stage=dev") + "\", \"key\": \"stage\"}"),
                    e("POST /api/2.0/mlflow/runs/log-batch", Rule.WRITE)
                            .body("{\"run_id\": \"${run}\", \"metrics\": [{\"key\": \"acc\","
                                    + " \"value\": 0.9, \"timestamp\": 2000, \"step\": 1}], \"params\": [{\"key\": \"opt\", \"value\": \"adam\"}],"
                                    + " \"tags\": [{\"key\": \"t\", \"value\": \"1\"}]}"),
                    e("POST /api/2.0/mlflow/runs/log-inputs", Rule.WRITE)
                            .body("{\"run_id\": \"${run}\", \"datasets\": []}"),
                    e("POST /api/2.0/mlflow/runs/search", Rule.READ)
                            .body("{\"experiment_ids\": [\"${experiment}\"]}")
                            .shows(s -> s.get("run")),
                    // as MLflow: a run that does not exist (or is hidden) has an empty history
                    e("GET /api/2.0/mlflow/metrics/get-history", Rule.LIST)
                            .query("run_id=${run}&metric_key=loss")
                            .shows(s -> "loss"),
                    e("GET /api/2.0/mlflow/metrics/get-history-bulk-interval", Rule.LIST)
                            .query("run_ids=${run}&metric_key=loss")
                            .shows(s -> "loss"),
                    e("POST /api/2.0/mlflow/logged-models/search", Rule.READ)
                            .body("{\"experiment_ids\": [\"${experiment}\"]}"),
                    e("GET /api/2.0/mlflow/artifacts/list", Rule.READ)
                            .query("run_id=${run}")
                            .shows(s -> s.get("artifact")),
                    // the artifact proxy: paths are <experiment>/<run>/artifacts/<file>
                    e("PUT /api/2.0/mlflow-artifacts/artifacts/{path*}", Rule.WRITE)
                            .paramFrom("path", s -> artifactPath(s, "model.txt"))
                            .body("weights"),
                    e("GET /api/2.0/mlflow-artifacts/artifacts/{path*}", Rule.READ)
                            .paramFrom("path", s -> artifactPath(s, s.get("artifact")))
                            .shows(s -> ARTIFACT_TEXT),
                    e("DELETE /api/2.0/mlflow-artifacts/artifacts/{path*}", Rule.WRITE)
                            .paramFrom("path", s -> artifactPath(s, s.get("artifact"))),
                    e("GET /api/2.0/mlflow-artifacts/artifacts", Rule.READ)
                            .query("path=${experiment}/${run}/artifacts")
                            .shows(s -> s.get("artifact")),
                    // multipart uploads are not implemented: who may upload learns so with MLflow's 501
                    e("POST /api/2.0/mlflow-artifacts/mpu/create/{path*}", Rule.WRITE)
                            .paramFrom("path", s -> artifactPath(s, "big.bin"))
                            .body("{\"path\": \"big.bin\", \"num_parts\": 2}")
                            .allowedStatus(501),
                    e("POST /api/2.0/mlflow-artifacts/mpu/complete/{path*}", Rule.WRITE)
                            .paramFrom("path", s -> artifactPath(s, "big.bin"))
                            .body("{\"path\": \"big.bin\", \"upload_id\": \"u\", \"parts\": []}")
                            .allowedStatus(501),
                    e("POST /api/2.0/mlflow-artifacts/mpu/abort/{path*}", Rule.WRITE)
                            .paramFrom("path", s -> artifactPath(s, "big.bin"))
                            .body("{\"path\": \"big.bin\", \"upload_id\": \"u\"}")
                            .allowedStatus(501),
                    // MLflow 3's logged models: ${logged_model} is one in ${experiment}, logged by ${run}
                    e("POST /api/2.0/mlflow/logged-models", Rule.WRITE)
                            .body("{\"experiment_id\": \"${experiment}\", \"name\": \"model\"}"),
                    e("GET /api/2.0/mlflow/logged-models/{model_id}", Rule.READ)
                            .paramFrom("model_id", s -> s.get("logged_model"))
                            .shows(s -> s.get("run")),
                    e("PATCH /api/2.0/mlflow/logged-models/{model_id}", Rule.WRITE)
                            .paramFrom("model_id", s -> s.get("logged_model"))
                            .body("{\"status\": \"LOGGED_MODEL_READY\"}"),
                    e("DELETE /api/2.0/mlflow/logged-models/{model_id}", Rule.WRITE)
                            .paramFrom("model_id", s -> s.get("logged_model")),
                    e("PATCH /api/2.0/mlflow/logged-models/{model_id}/tags", Rule.WRITE)
                            .paramFrom("model_id", s -> s.get("logged_model"))
                            .body("{\"tags\": [{\"key\": \"k\", \"value\": \"v\"}]}"),
                    e("DELETE /api/2.0/mlflow/logged-models/{model_id}/tags/{tag_key}", Rule.WRITE)
                            .paramFrom("model_id", s -> s.get("logged_model"))
                            .param("tag_key", "flavor"),
                    e("POST /api/2.0/mlflow/logged-models/{model_id}/params", Rule.WRITE)
                            .paramFrom("model_id", s -> s.get("logged_model"))
                            .body("{\"params\": [{\"key\": \"k\", \"value\": \"v\"}]}"),
                    e("GET /api/2.0/mlflow/logged-models/{model_id}/artifacts/directories", Rule.READ)
                            .paramFrom("model_id", s -> s.get("logged_model"))
                            .shows(s -> "MLmodel"),
                    e("POST /api/2.0/mlflow/runs/outputs", Rule.WRITE)
                            .body(
                                    "{\"run_id\": \"${run}\", \"models\": [{\"model_id\": \"${logged_model}\", \"step\": 0}]}"),
                    e(
                                    "PUT /api/2.0/mlflow-artifacts/artifacts/{experiment}/models/{model_id}/artifacts/{path*}",
                                    Rule.WRITE)
                            .paramFrom("experiment", s -> s.get("experiment"))
                            .paramFrom("model_id", s -> s.get("logged_model"))
                            .param("path", "model.pkl")
                            .body("weights"),
                    e(
                                    "GET /api/2.0/mlflow-artifacts/artifacts/{experiment}/models/{model_id}/artifacts/{path*}",
                                    Rule.READ)
                            .paramFrom("experiment", s -> s.get("experiment"))
                            .paramFrom("model_id", s -> s.get("logged_model"))
                            .param("path", "MLmodel")
                            .shows(s -> ARTIFACT_TEXT),
                    e(
                                    "DELETE /api/2.0/mlflow-artifacts/artifacts/{experiment}/models/{model_id}/artifacts/{path*}",
                                    Rule.WRITE)
                            .paramFrom("experiment", s -> s.get("experiment"))
                            .paramFrom("model_id", s -> s.get("logged_model"))
                            .param("path", "MLmodel"),
                    e(
                                    "POST /api/2.0/mlflow-artifacts/mpu/create/{experiment}/models/{model_id}/artifacts/{path*}",
                                    Rule.WRITE)
                            .paramFrom("experiment", s -> s.get("experiment"))
                            .paramFrom("model_id", s -> s.get("logged_model"))
                            .param("path", "big.bin")
                            .body("{\"path\": \"big.bin\", \"num_parts\": 2}")
                            .allowedStatus(501),
                    e(
                                    "POST /api/2.0/mlflow-artifacts/mpu/complete/{experiment}/models/{model_id}/artifacts/{path*}",
                                    Rule.WRITE)
                            .paramFrom("experiment", s -> s.get("experiment"))
                            .paramFrom("model_id", s -> s.get("logged_model"))
                            .param("path", "big.bin")
                            .body("{\"path\": \"big.bin\", \"upload_id\": \"u\", \"parts\": []}")
                            .allowedStatus(501),
                    e(
                                    "POST /api/2.0/mlflow-artifacts/mpu/abort/{experiment}/models/{model_id}/artifacts/{path*}",
                                    Rule.WRITE)
                            .paramFrom("experiment", s -> s.get("experiment"))
                            .paramFrom("model_id", s -> s.get("logged_model"))
                            .param("path", "big.bin")
                            .body("{\"path\": \"big.bin\", \"upload_id\": \"u\"}")
                            .allowedStatus(501),
                    // MLflow's model registry over Keel's: ${mlflow_model} is a model of ${project} whose v1
                    // holds ${run}'s artifact and is aliased champion; a model follows its project's access
                    e("POST /api/2.0/mlflow/registered-models/create", Rule.SIGNED_IN)
                            .body("{\"name\": \"new-model-${n}\"}"),
                    e("GET /api/2.0/mlflow/registered-models/get", Rule.READ)
                            .query("name=${mlflow_model}")
                            .shows(s -> "champion"),
                    e("GET /api/2.0/mlflow/registered-models/search", Rule.LIST)
                            .query("filter=name%3D%27${mlflow_model}%27")
                            .shows(s -> s.get("mlflow_model")),
                    e("POST /api/2.0/mlflow/registered-models/rename", Rule.WRITE)
                            .body("{\"name\": \"${mlflow_model}\", \"new_name\": \"${mlflow_model}-renamed\"}"),
                    e("PATCH /api/2.0/mlflow/registered-models/update", Rule.WRITE)
                            .body("{\"name\": \"${mlflow_model}\", \"description\": \"d\"}"),
                    e("DELETE /api/2.0/mlflow/registered-models/delete", Rule.WRITE)
                            .body("{\"name\": \"${mlflow_model}\"}"),
                    e("POST /api/2.0/mlflow/registered-models/set-tag", Rule.WRITE)
                            .body("{\"name\": \"${mlflow_model}\", \"key\": \"k\", \"value\": \"v\"}"),
                    e("DELETE /api/2.0/mlflow/registered-models/delete-tag", Rule.WRITE)
                            .body("{\"name\": \"${mlflow_model}\", \"key\": \"k\"}"),
                    e("POST /api/2.0/mlflow/registered-models/alias", Rule.WRITE)
                            .body("{\"name\": \"${mlflow_model}\", \"alias\": \"staging\", \"version\": \"1\"}"),
                    e("DELETE /api/2.0/mlflow/registered-models/alias", Rule.WRITE)
                            .body("{\"name\": \"${mlflow_model}\", \"alias\": \"champion\"}"),
                    e("GET /api/2.0/mlflow/registered-models/alias", Rule.READ)
                            .query("name=${mlflow_model}&alias=champion")
                            .shows(s -> s.get("run")),
                    e("POST /api/2.0/mlflow/registered-models/get-latest-versions", Rule.READ)
                            .body("{\"name\": \"${mlflow_model}\"}")
                            .shows(s -> s.get("run")),
                    e("GET /api/2.0/mlflow/registered-models/get-latest-versions", Rule.READ)
                            .query("name=${mlflow_model}")
                            .shows(s -> s.get("run")),
                    e("POST /api/2.0/mlflow/model-versions/create", Rule.WRITE)
                            .body("{\"name\": \"${mlflow_model}\", \"source\": \"runs:/${run}/${artifact}\"}"),
                    e("GET /api/2.0/mlflow/model-versions/get", Rule.READ)
                            .query("name=${mlflow_model}&version=1")
                            .shows(s -> s.get("run")),
                    e("GET /api/2.0/mlflow/model-versions/search", Rule.LIST)
                            .query("filter=name%3D%27${mlflow_model}%27")
                            .shows(s -> s.get("mlflow_model")),
                    e("PATCH /api/2.0/mlflow/model-versions/update", Rule.WRITE)
                            .body("{\"name\": \"${mlflow_model}\", \"version\": \"1\", \"description\": \"d\"}"),
                    e("DELETE /api/2.0/mlflow/model-versions/delete", Rule.WRITE)
                            .body("{\"name\": \"${mlflow_model}\", \"version\": \"1\"}"),
                    e("POST /api/2.0/mlflow/model-versions/set-tag", Rule.WRITE)
                            .body(
                                    "{\"name\": \"${mlflow_model}\", \"version\": \"1\", \"key\": \"k\", \"value\": \"v\"}"),
                    e("DELETE /api/2.0/mlflow/model-versions/delete-tag", Rule.WRITE)
                            .body("{\"name\": \"${mlflow_model}\", \"version\": \"1\", \"key\": \"k\"}"),
                    e("POST /api/2.0/mlflow/model-versions/transition-stage", Rule.WRITE)
                            .body("{\"name\": \"${mlflow_model}\", \"version\": \"1\", \"stage\": \"Staging\"}"),
                    e("GET /api/2.0/mlflow/model-versions/get-download-uri", Rule.READ)
                            .query("name=${mlflow_model}&version=1")
                            .shows(s -> "registered-models/" + s.get("mlflow_model")),
                    e("GET /api/2.0/mlflow-artifacts/artifacts/registered-models/{name}/{version}/{path*}", Rule.READ)
                            .paramFrom("name", s -> s.get("mlflow_model"))
                            .param("version", "1")
                            .param("path", "weights.txt")
                            .shows(s -> ARTIFACT_TEXT)),
            tracingEntries()));

    private static List<Entry> concat(List<Entry> a, List<Entry> b) {
        List<Entry> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** MLflow's tracing routes: every caller is told, with MLflow's 501, that this server has none. */
    private static List<Entry> tracingEntries() {
        List<Entry> out = new ArrayList<>();
        for (String base : List.of("/api/2.0/mlflow/traces", "/api/3.0/mlflow/traces")) {
            for (String pattern : List.of(base, base + "/{rest*}")) {
                for (String method : List.of("GET", "POST", "PATCH", "DELETE")) {
                    out.add(e(method + " " + pattern, Rule.LIST)
                            .param("rest", "search")
                            .body("{}")
                            .allowedStatus(501));
                }
            }
        }
        return out;
    }

    /**
     * MLflow's UI calls the tracking API under {@code /ajax-api/2.0/mlflow/} too: each alias gets the
     * entry of its {@code /api/2.0/mlflow/} route, and is sent every cell like any other route.
     */
    private static List<Entry> withMlflowAliases(List<Entry> entries) {
        List<Entry> out = new ArrayList<>(entries);
        for (Entry e : entries) {
            if (e.pattern.startsWith("/api/2.0/mlflow/")) {
                out.add(e.at("/ajax-api" + e.pattern.substring("/api".length())));
            }
        }
        return List.copyOf(out);
    }

    /** {@code <experiment id>/<run id>/artifacts/<file>}, as MLflow's clients turn a run's artifact URI into a path. */
    private static String artifactPath(Sample s, String file) {
        return s.get("experiment") + "/" + s.get("run") + "/artifacts/" + file;
    }

    /** The sample's experiment, given an experiment tag {@code key}. */
    private static String taggedExperiment(Sample s, String key) {
        String id = s.get("experiment");
        s.fixture().store.experiments().orElseThrow().setTag(Long.parseLong(id), key, "v", 1000);
        return id;
    }

    /** The sample's run, given a Keel tag (e.g. {@code stage=dev}: the MLflow tag stage). */
    private static String taggedRun(Sample s, String keelTag) {
        String run = s.get("run");
        WriteBatch b = new WriteBatch();
        b.tags = List.of(keelTag);
        s.fixture().store.apply(run, b);
        return run;
    }

    /** The status a caller must get, 0 for "allowed" (anything but a 401/403 or an access 404). */
    static int expected(Rule rule, Caller c, Visibility v, boolean anonymousReads) {
        boolean anonymous = c == Caller.ANONYMOUS;
        switch (rule) {
            case ANYONE:
                return 0;
            case SIGNED_IN:
                return anonymous ? 401 : 0;
            case ADMIN:
                return anonymous ? 401 : c == Caller.ADMIN ? 0 : 403;
            case SELF_OR_ADMIN:
                return anonymous ? 401 : c == Caller.ADMIN || c == Caller.OWNER ? 0 : 403;
            case READ:
                if (c == Caller.ADMIN || c == Caller.OWNER) {
                    return 0;
                }
                if (anonymous) {
                    return v == Visibility.PUBLIC && anonymousReads ? 0 : 401;
                }
                if (c == Caller.MEMBER) {
                    return v == Visibility.PRIVATE ? 404 : 0;
                }
                return v == Visibility.PUBLIC ? 0 : 404;
            case WRITE:
            case MANAGE:
                if (anonymous) {
                    return 401;
                }
                if (c == Caller.ADMIN || c == Caller.OWNER) {
                    return 0;
                }
                if (c == Caller.MEMBER) {
                    return v == Visibility.PRIVATE ? 404 : rule == Rule.WRITE ? 0 : 403;
                }
                return v == Visibility.PUBLIC ? 403 : 404;
            case LIST:
                return anonymous && !anonymousReads ? 401 : 0;
            default:
                throw new IllegalStateException(rule.name());
        }
    }

    @TempDir
    Path dir;

    @Test
    void everyRouteAllowsAndDeniesExactlyAsItsRuleSays() {
        List<String> failures = new ArrayList<>();
        int cells = 0;
        for (boolean anonymousReads : new boolean[] {false, true}) {
            try (TeamServerFixture f = new TeamServerFixture(dir.resolve("anon-" + anonymousReads), anonymousReads)) {
                Map<String, Entry> table = tableFor(f.server.routes());
                Map<Visibility, Sample> shared = new EnumMap<>(Visibility.class);
                for (Visibility v : Visibility.values()) {
                    shared.put(v, new Sample(f, v));
                }
                for (Route route : readsFirst(f.server.routes())) {
                    Entry entry = table.get(key(route.method(), route.pattern()));
                    for (Visibility v : Visibility.values()) {
                        // a refused write must have changed nothing, so its sample serves the next caller
                        // (whose cell shows it if the refusal did change something); one that got
                        // through is followed by a fresh sample
                        Sample unchanged = null;
                        for (Caller c : Caller.values()) {
                            Sample values = route.method().equals("GET")
                                    ? shared.get(v)
                                    : unchanged != null ? unchanged : new Sample(f, v);
                            String path = entry.path(values)
                                    + (entry.query == null ? "" : "?" + Entry.fill(entry.query, values));
                            String body = entry.body == null ? null : entry.body.apply(values);
                            String user =
                                    c == Caller.ANONYMOUS ? null : c.name().toLowerCase();
                            ServerFixture.Reply r = f.send(user, route.method(), path, body);
                            unchanged = r.status() >= 400 && r.status() < 500 ? values : null;
                            int want = expected(entry.rule, c, v, anonymousReads);
                            if (want == 404 && entry.hiddenStatus != 0) {
                                want = entry.hiddenStatus;
                            }
                            String cell = route.method() + " " + path + " as " + c + " (" + v.id()
                                    + ", anonymous reads " + (anonymousReads ? "on" : "off") + ")";
                            cells++;
                            if (want == 0 && entry.allowedStatus != 0) {
                                if (r.status() != entry.allowedStatus) {
                                    failures.add(cell + ": expected " + entry.allowedStatus + ", got " + r.status()
                                            + " " + r.message());
                                }
                            } else if (r.status() >= 500) {
                                failures.add(cell + ": " + r.status() + " " + r.body());
                            } else if (want == 0 && denied(r)) {
                                failures.add(cell + ": expected allowed, got " + r.status() + " " + r.message());
                            } else if (want != 0 && r.status() != want) {
                                failures.add(cell + ": expected " + want + ", got " + r.status() + " " + r.message());
                            }
                            String leaked = leaked(values, c, v, anonymousReads, path + " " + body, r);
                            if (leaked != null) {
                                failures.add(cell + ": the reply names " + leaked + ", which the caller may not read"
                                        + " and did not name: " + r.body());
                            }
                            if (entry.shows != null && r.status() / 100 == 2) {
                                boolean mayRead = expected(Rule.READ, c, v, anonymousReads) == 0;
                                String shown = entry.shows.apply(values);
                                if (r.body().contains(shown) != mayRead) {
                                    failures.add(cell + ": the reply " + (mayRead ? "lacks " : "names ") + shown
                                            + ", which the caller may " + (mayRead ? "" : "not ") + "read: "
                                            + r.body());
                                }
                            }
                        }
                    }
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cells + " cells wrong:\n" + String.join("\n", failures));
        }
    }

    @Test
    void blobRoutesAreScoped() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            Map<String, Entry> table = tableFor(f.server.routes());
            for (Route route : f.server.routes()) {
                String p = route.pattern().toLowerCase();
                if (p.contains("blob") || p.contains("{hash")) {
                    Entry e = table.get(key(route.method(), route.pattern()));
                    boolean scopedRule = e.rule == Rule.READ || e.rule == Rule.WRITE || e.rule == Rule.MANAGE;
                    boolean scopedAccess = route.access() instanceof Access.Project
                            || route.access() instanceof Access.Run
                            || route.access() instanceof Access.Dataset
                            || route.access() instanceof Access.InHandler;
                    if (!scopedRule || !scopedAccess) {
                        fail(route.method() + " " + route.pattern() + " serves blobs by hash alone (" + route.access()
                                + ", " + e.rule + "): scope it by a run, project or dataset the caller may read");
                    }
                }
            }
        }
    }

    @Test
    void theTableHasNoStaleEntries() {
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            Set<String> routes = new TreeSet<>();
            f.server.routes().forEach(r -> routes.add(key(r.method(), r.pattern())));
            Set<String> stale = new TreeSet<>();
            for (Entry e : TABLE) {
                if (!routes.contains(key(e.method, e.pattern))) {
                    stale.add(e.method + " " + e.pattern);
                }
            }
            assertEquals(
                    Set.of(),
                    stale,
                    "entries for routes the server does not have: remove them from AccessMatrixTest.TABLE");
        }
    }

    // ---- Visibility changes and content hashes, for every kind of object (issue 12, items 1 and 2)

    /**
     * Every route that changes who sees an object, for every kind of object that has a visibility:
     * only its owner and admins get through (team members who may write it get 403), and a
     * refused change leaves the visibility as it was.
     */
    @Test
    void everyVisibilityChangeIsForTheOwnerOrAnAdminOnly() {
        List<String> failures = new ArrayList<>();
        try (TeamServerFixture f = new TeamServerFixture(dir, false)) {
            for (Visibility v : Visibility.values()) {
                for (Visibility to : Visibility.values()) {
                    if (to == v) {
                        continue;
                    }
                    for (Caller c : Caller.values()) {
                        String user = c == Caller.ANONYMOUS ? null : c.name().toLowerCase();
                        int want = expected(Rule.MANAGE, c, v, false);
                        String body = "{\"visibility\": \"" + to.id() + "\"}";
                        Sample s = new Sample(f, v);
                        String project = s.get("project");
                        ServerFixture.Reply r = f.send(user, "PATCH", "/api/v1/projects/" + project, body);
                        Visibility now = f.access.project(project).orElseThrow().visibility();
                        checkVisibilityChange(failures, "PATCH project", c, v, to, want, r, now);
                        String dataset = s.get("dataset");
                        r = f.send(user, "PUT", "/api/v1/datasets/" + dataset, body);
                        now = f.datasets.dataset(dataset).orElseThrow().visibility();
                        checkVisibilityChange(failures, "PUT dataset", c, v, to, want, r, now);
                    }
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(String.join("\n", failures));
        }
    }

    private static void checkVisibilityChange(
            List<String> failures,
            String what,
            Caller c,
            Visibility from,
            Visibility to,
            int want,
            ServerFixture.Reply r,
            Visibility now) {
        String cell = what + " " + from.id() + " -> " + to.id() + " as " + c;
        if (want == 0 && (r.status() != 200 || now != to)) {
            failures.add(cell + ": expected the change, got " + r.status() + " " + r.message() + ", now " + now.id());
        } else if (want != 0 && (r.status() != want || now != from)) {
            failures.add(cell + ": expected " + want + " and no change, got " + r.status() + " " + r.message()
                    + ", now " + now.id());
        }
    }

    /**
     * Every blob route, and every route that names content by hash, for every kind of object (run,
     * dataset): {@code other}, from objects of his own, names contents that {@code owner}'s
     * private or public run and dataset hold. Each answer must be exactly the answer for content
     * the server does not have (the hash aside), so a hash neither reveals nor hands over anything.
     * A new blob route without a probe here fails the test.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a download that hangs is a failure too, not a stuck build
    void aContentHashGrantsNothingOnAnyBlobRouteForAnyKindOfObject() throws IOException {
        List<String> failures = new ArrayList<>();
        try (TeamServerFixture f = new TeamServerFixture(dir.resolve("server"), false)) {
            String bobRun = f.projectWithRun("bob-" + f.next(), "other", Visibility.PRIVATE);
            String bobDataset = "bob-data-" + f.next();
            f.dataset(bobDataset, "other", Visibility.PRIVATE);
            Map<String, Function<String, ServerFixture.Reply>> probes = new LinkedHashMap<>();
            probes.put(
                    "HEAD /api/v1/runs/{id}/blobs/{hash}",
                    h -> f.send("other", "HEAD", "/api/v1/runs/" + bobRun + "/blobs/" + h, null));
            probes.put(
                    "PUT /api/v1/runs/{id}/blobs/{hash}",
                    h -> f.send("other", "PUT", "/api/v1/runs/" + bobRun + "/blobs/" + h, "not the content"));
            probes.put(
                    "POST /api/v1/runs/{id}/batches",
                    h -> f.send(
                            "other",
                            "POST",
                            "/api/v1/runs/" + bobRun + "/batches",
                            "{\"files\": [{\"name\": \"stolen.bin\", \"hash\": \"" + h
                                    + "\", \"size\": 1, \"kind\": \"file\"," + " \"created_at\": 1}]}"));
            probes.put(
                    "GET /api/v1/runs/{id}/files/{name*}",
                    h -> f.send("other", "GET", "/api/v1/runs/" + bobRun + "/files/stolen.bin", null));
            probes.put("GET /api/2.0/mlflow-artifacts/artifacts/{path*}", h -> {
                ExperimentStore t = f.store.experiments().orElseThrow();
                String project = f.store.run(bobRun).orElseThrow().project();
                long exp = t.byProject(project)
                        .orElseGet(() -> t.create(project, project, "", Map.of(), 1, false))
                        .id();
                return f.send(
                        "other",
                        "GET",
                        "/api/2.0/mlflow-artifacts/artifacts/" + exp + "/" + bobRun + "/artifacts/stolen.bin",
                        null);
            });
            probes.put(
                    "POST /api/v1/datasets/{name}/blobs/missing",
                    h -> f.send(
                            "other",
                            "POST",
                            "/api/v1/datasets/" + bobDataset + "/blobs/missing",
                            "{\"hashes\": [\"" + h + "\"]}"));
            probes.put(
                    "POST /api/v1/datasets/{name}/blobs/fetch",
                    h -> f.send(
                            "other",
                            "POST",
                            "/api/v1/datasets/" + bobDataset + "/blobs/fetch",
                            "{\"hashes\": [\"" + h + "\"]}"));
            probes.put(
                    "GET /api/v1/datasets/{name}/blobs/{hash}",
                    h -> f.send("other", "GET", "/api/v1/datasets/" + bobDataset + "/blobs/" + h, null));
            probes.put(
                    "POST /api/v1/datasets/{name}/blobs",
                    h -> f.send(
                            "other",
                            "POST",
                            "/api/v1/datasets/" + bobDataset + "/blobs",
                            "keel-pack 1\n1\n" + h.substring("sha256:".length()) + " 3\nabc"));
            probes.put(
                    "POST /api/v1/models/{model}/versions",
                    h -> f.send(
                            "other",
                            "POST",
                            "/api/v1/models/bob-model/versions",
                            "{\"run\": \"" + bobRun + "\", \"files\": [{\"path\": \"stolen.bin\", \"hash\": \"" + h
                                    + "\", \"size\": 1}], \"lineage\": {}}"));
            for (Route route : f.server.routes()) {
                String p = route.pattern().toLowerCase();
                if ((p.contains("blob") || p.contains("{hash"))
                        && !probes.containsKey(key(route.method(), route.pattern()))) {
                    failures.add(route.method() + " " + route.pattern() + " has no probe in"
                            + " aContentHashGrantsNothingOnAnyBlobRouteForAnyKindOfObject: add one");
                }
            }
            String absent = Hashes.of("content nobody sent".getBytes(StandardCharsets.UTF_8));
            for (Visibility v : List.of(Visibility.PRIVATE, Visibility.PUBLIC)) {
                Map<String, String> held = heldByOwner(f, v);
                for (Map.Entry<String, Function<String, ServerFixture.Reply>> probe : probes.entrySet()) {
                    ServerFixture.Reply none = probe.getValue().apply(absent);
                    for (Map.Entry<String, String> h : held.entrySet()) {
                        ServerFixture.Reply r = probe.getValue().apply(h.getValue());
                        String got = r.status() + " " + r.body().replace(h.getValue(), "<hash>");
                        String want = none.status() + " " + none.body().replace(absent, "<hash>");
                        if (!got.equals(want)) {
                            failures.add(probe.getKey() + " naming the " + h.getKey() + " of owner's " + v.id()
                                    + " objects: answered '" + got + "', but for absent content '" + want + "'");
                        }
                    }
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(String.join("\n", failures));
        }
    }

    /** Contents {@code owner} holds with visibility {@code v}: a run file's and a dataset object's, by what they are. */
    private static Map<String, String> heldByOwner(TeamServerFixture f, Visibility v) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        String run = f.projectWithRun("alice-" + v.id() + "-" + f.next(), "owner", v);
        byte[] model = ("owner's model " + v.id()).getBytes(StandardCharsets.UTF_8);
        String hash = new LocalBlobStore(f.home.blobs()).put(new ByteArrayInputStream(model));
        WriteBatch b = new WriteBatch();
        b.addFile(new RunFile("model.bin", hash, model.length, "artifact", 1));
        f.store.apply(run, b);
        out.put("run file", hash);
        Path src = f.home.root().resolveSibling("data-" + v.id() + "-" + f.next());
        Files.createDirectories(src);
        Files.write(src.resolve("secret.txt"), ("owner's data " + v.id()).getBytes(StandardCharsets.UTF_8));
        String dataset = "alice-data-" + v.id() + "-" + f.next();
        try (Datasets data = Datasets.open(f.home)) {
            data.add(dataset, src, AddOptions.defaults().author("owner").visibility(v));
            out.put("dataset object", data.show(dataset + ":v1").files().get(0).hash());
        }
        return out;
    }

    /**
     * The GET routes, then the others, each in registration order. A write cell makes a sample of
     * its own, a project and more, and a search over every readable project (GET /api/v1/runs)
     * checks each one: walked after the writes, its cells would read thousands of projects, though
     * the cell's own samples are what it is about.
     */
    private static List<Route> readsFirst(List<Route> routes) {
        List<Route> out = new ArrayList<>();
        for (Route r : routes) {
            if (r.method().equals("GET")) {
                out.add(r);
            }
        }
        for (Route r : routes) {
            if (!r.method().equals("GET")) {
                out.add(r);
            }
        }
        return out;
    }

    /** The table by route, failing with the list of routes that have no entry. */
    private static Map<String, Entry> tableFor(List<Route> routes) {
        Map<String, Entry> byKey = new LinkedHashMap<>();
        for (Entry e : TABLE) {
            if (byKey.put(key(e.method, e.pattern), e) != null) {
                fail("AccessMatrixTest.TABLE lists " + e.method + " " + e.pattern + " twice");
            }
        }
        List<String> missing = new ArrayList<>();
        for (Route r : routes) {
            if (!byKey.containsKey(key(r.method(), r.pattern()))) {
                missing.add("e(\"" + r.method() + " " + r.pattern() + "\", Rule.?)   // declared " + r.access());
            }
        }
        if (!missing.isEmpty()) {
            fail("routes without an entry in AccessMatrixTest.TABLE (add one line each, saying who must get through):\n"
                    + String.join("\n", missing));
        }
        return byKey;
    }

    /**
     * Objects owned by {@code owner} with visibility {@code v}, named for path parameters and body
     * placeholders; each is made on first use, so a cell pays only for what its route needs.
     */
    static final class Sample {
        private final TeamServerFixture f;
        private final Visibility v;
        private final int n;
        private final Map<String, String> made = new LinkedHashMap<>();

        Sample(TeamServerFixture f, Visibility v) {
            this.f = f;
            this.v = v;
            this.n = f.next();
        }

        private String artifactHash() {
            try {
                return new LocalBlobStore(f.home.blobs())
                        .put(new ByteArrayInputStream(ARTIFACT_TEXT.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The server and its stores, for entries that compute their own sample values. */
        TeamServerFixture fixture() {
            return f;
        }

        Visibility visibility() {
            return v;
        }

        /** The names of the objects made so far (projects, runs, datasets): distinctive, unlike numbers. */
        List<String> names() {
            List<String> out = new ArrayList<>();
            for (String k : List.of("project", "id", "dataset", "model")) {
                if (made.containsKey(k)) {
                    out.add(made.get(k));
                }
            }
            return out;
        }

        String get(String name) {
            String have = made.get(name);
            if (have != null) {
                return have;
            }
            String value = make(name);
            if (value != null) {
                made.put(name, value);
            }
            return value;
        }

        /** A model of the sample project: versions 1 and 2 of the sample run's model.bin (acc 0.9), production at 1. */
        private String model() {
            String run = get("run");
            byte[] bytes = ("model of " + run).getBytes(StandardCharsets.UTF_8);
            try {
                String hash = new LocalBlobStore(f.home.blobs()).put(new ByteArrayInputStream(bytes));
                WriteBatch b = new WriteBatch();
                b.addFile(new RunFile("model.bin", hash, bytes.length, "artifact", 1000));
                b.summary.put("acc", 0.9);
                f.store.apply(run, b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String model = "m-" + v.id() + "-" + n;
            ModelRegistry registry = new ModelRegistry(f.store, new LocalBlobStore(f.home.blobs()), null);
            registry.register(model, Registration.of(run).path("model.bin"));
            registry.register(model, Registration.of(run).path("model.bin"));
            registry.alias(model + "@production", "1", null, "owner");
            return model;
        }

        private String make(String name) {
            switch (name) {
                case "project":
                    String project = "p-" + v.id() + "-" + n;
                    made.put("id", f.projectWithRun(project, "owner", v));
                    f.store.saveFlow(new ProjectFlow(
                            project,
                            List.of(new ProjectFlow.Stage("train", null, "./run train", List.of(), List.of(), null)),
                            List.of(),
                            1));
                    return project;
                case "id":
                case "run":
                    get("project");
                    return made.get("id");
                case "name":
                    return get("dataset");
                case "dataset":
                    String dataset = "d-" + v.id() + "-" + n;
                    f.dataset(dataset, "owner", v);
                    return dataset;
                case "experiment":
                    // the MLflow experiment of the project, named like it (as MLflow's API names those it meets)
                    String named = get("project");
                    ExperimentStore t = f.store.experiments().orElseThrow();
                    return Long.toString(t.byProject(named)
                            .orElseGet(() -> t.create(named, named, "", Map.of(), System.currentTimeMillis(), false))
                            .id());
                case "artifact":
                    String run = get("run");
                    try {
                        String hash = new LocalBlobStore(f.home.blobs())
                                .put(new ByteArrayInputStream(ARTIFACT_TEXT.getBytes(StandardCharsets.UTF_8)));
                        WriteBatch b = new WriteBatch();
                        b.addFile(new RunFile("weights.txt", hash, ARTIFACT_TEXT.length(), "artifact", 1000));
                        f.store.apply(run, b);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return "weights.txt";
                case "logged_model":
                    // a READY logged model of the sample run, holding MLmodel (the artifact's text), tagged flavor
                    String lm = "m-" + UUID.randomUUID().toString().replace("-", "");
                    MlflowModelStore mm = f.store.mlflowModels().orElseThrow();
                    mm.createLoggedModel(new LoggedModel(
                            lm,
                            Long.parseLong(get("experiment")),
                            "model",
                            get("run"),
                            "",
                            "LOGGED_MODEL_READY",
                            "",
                            "active",
                            "owner",
                            1,
                            1,
                            Map.of("flavor", "sklearn"),
                            Map.of()));
                    mm.putLoggedModelFile(lm, new ModelFile("MLmodel", artifactHash(), ARTIFACT_TEXT.length()), 1);
                    return lm;
                case "mlflow_model":
                    String mrun = get("run");
                    String model = "mm-" + v.id() + "-" + n;
                    f.store
                            .models()
                            .register(
                                    model,
                                    get("project"),
                                    "owner",
                                    new VersionDraft(
                                            List.of(new ModelFile(
                                                    get("artifact"), artifactHash(), ARTIFACT_TEXT.length())),
                                            new Lineage(mrun, List.of(), "", Map.of(), Map.of()),
                                            "",
                                            Map.of(),
                                            "",
                                            "owner"));
                    f.store.models().moveAlias(model, "champion", 1, "owner");
                    return model;
                case "sweep":
                    String of = get("project");
                    String sweep = f.store
                            .sweeps()
                            .create(of, "m", SWEEP_CONFIG.replace("\\n", "\n"), 1, "owner")
                            .id();
                    String carrier = Ids.newRunId();
                    f.store
                            .sweeps()
                            .claim(sweep, "matrix", carrier, 0, 0, (sw, trials) -> Proposal.next(Map.of("x", 1L)));
                    made.put("trialrun", carrier);
                    made.put("number", "1");
                    return sweep;
                case "sweep_project":
                    get("sweep");
                    return get("project");
                case "trialrun":
                case "number":
                    get("sweep");
                    return made.get(name);
                case "model":
                    return model();
                case "model_project":
                    get("model");
                    return get("project");
                case "user":
                    return "owner";
                case "key":
                    return f.accounts.newKey("owner").id();
                case "team":
                    String team = "t-" + n;
                    f.accounts.createTeam(team);
                    f.accounts.addMember(team, "other");
                    return team;
                case "key*":
                    return "loss";
                case "visibility":
                    return v.id();
                case "n":
                    return Integer.toString(n);
                case "owner_key":
                    return f.keys.get("owner");
                default:
                    return null;
            }
        }
    }

    /**
     * The name of a sample object (project, run, dataset) that the reply gives away to a caller who
     * may not read it and did not send it (e.g. the project behind an experiment id), or null.
     */
    private static String leaked(
            Sample values, Caller c, Visibility v, boolean anonymousReads, String sent, ServerFixture.Reply r) {
        if (expected(Rule.READ, c, v, anonymousReads) == 0) {
            return null;
        }
        for (String name : values.names()) {
            if (r.body().contains(name) && !sent.contains(name)) {
                return name;
            }
        }
        return null;
    }

    /** Denied by access control: 401, 403, or the 404 that hides objects the caller may not see. */
    private static boolean denied(ServerFixture.Reply r) {
        return r.status() == 401
                || r.status() == 403
                || (r.status() == 404 && r.message().contains("(or you may not see it)"))
                || (r.status() == 404 && r.message().contains("is not shared with you"));
    }

    private static String key(String method, String pattern) {
        return method + " " + pattern;
    }

    static Entry e(String route, Rule rule) {
        int space = route.indexOf(' ');
        return new Entry(route.substring(0, space), route.substring(space + 1), rule);
    }

    /** One row of the table. */
    static final class Entry {
        final String method;
        final String pattern;
        final Rule rule;
        final Map<String, Function<Sample, String>> params = new LinkedHashMap<>();
        Function<Sample, String> body;
        String query;
        Function<Sample, String> shows;
        int allowedStatus;
        int hiddenStatus;

        Entry(String method, String pattern, Rule rule) {
            this.method = method;
            this.pattern = pattern;
            this.rule = rule;
        }

        /** A JSON body; {@code ${name}} placeholders are filled from the cell's {@link Sample}. */
        Entry body(String json) {
            this.body = s -> fill(json, s);
            return this;
        }

        /** A body computed from the cell's fixtures (e.g. an id looked up in the store). */
        Entry bodyFrom(Function<Sample, String> json) {
            this.body = json;
            return this;
        }

        /** A query string (without '?'), placeholders allowed like in bodies. */
        Entry query(String text) {
            this.query = text;
            return this;
        }

        /**
         * Text that a successful reply must contain exactly when the caller may read the cell's
         * sample: for a list, that it names what it may and leaves out what it may not.
         */
        Entry shows(Function<Sample, String> text) {
            this.shows = text;
            return this;
        }

        /** The status every allowed caller must get, for a route that answers all of them so (e.g. 501). */
        /** The status a caller who may not see the object gets instead of 404 (a create whose name is taken). */
        Entry hiddenStatus(int status) {
            this.hiddenStatus = status;
            return this;
        }

        Entry allowedStatus(int status) {
            this.allowedStatus = status;
            return this;
        }

        /** This entry for another route (an alias of this one). */
        Entry at(String otherPattern) {
            Entry copy = new Entry(method, otherPattern, rule);
            copy.params.putAll(params);
            copy.body = body;
            copy.query = query;
            copy.shows = shows;
            copy.allowedStatus = allowedStatus;
            copy.hiddenStatus = hiddenStatus;
            return copy;
        }

        Entry param(String name, String value) {
            params.put(name, s -> value);
            return this;
        }

        /** A path parameter computed from the cell's fixtures. */
        Entry paramFrom(String name, Function<Sample, String> value) {
            params.put(name, value);
            return this;
        }

        String path(Sample values) {
            StringBuilder out = new StringBuilder();
            for (String segment : pattern.split("/")) {
                if (segment.isEmpty()) {
                    continue;
                }
                out.append('/');
                if (segment.startsWith("{")) {
                    String name = segment.substring(1, segment.length() - 1);
                    String bare = name.endsWith("*") ? name.substring(0, name.length() - 1) : name;
                    String value = params.containsKey(bare) ? params.get(bare).apply(values) : values.get(name);
                    if (value == null) {
                        throw new IllegalStateException("AccessMatrixTest: no sample value for {" + name + "} in "
                                + pattern + ": add .param(\"" + bare + "\", \"…\") to its entry");
                    }
                    out.append(value);
                } else {
                    out.append(segment);
                }
            }
            return out.toString();
        }

        static String fill(String text, Sample values) {
            StringBuilder out = new StringBuilder();
            int at = 0;
            for (int open; (open = text.indexOf("${", at)) >= 0; ) {
                int close = text.indexOf('}', open);
                String name = text.substring(open + 2, close);
                String value = values.get(name);
                if (value == null) {
                    throw new IllegalStateException("AccessMatrixTest: no sample value for ${" + name + "}");
                }
                out.append(text, at, open).append(value);
                at = close + 1;
            }
            return out.append(text.substring(at)).toString();
        }
    }
}
