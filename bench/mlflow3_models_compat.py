"""MLflow 3's model workflow against one tracking server; prints one JSON object of checks.

Usage: python bench/mlflow3_models_compat.py URL OUT.json

Runs what an MLflow 3 user does with models: sklearn autolog, mlflow.sklearn.log_model,
mlflow.register_model, aliases, mlflow.pyfunc.load_model("models:/NAME@ALIAS") and predict,
then the registry calls around them (search, tags, descriptions, stages, rename, delete).
Each check records a value that should not depend on the server (no ids, no times), so
bench/mlflow3_models_compat.sh can diff a Keel server's answers with a real `mlflow server`'s.
"""

import json
import sys
import time
import traceback

import mlflow
from mlflow import MlflowClient
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

url, out_path = sys.argv[1], sys.argv[2]
mlflow.set_tracking_uri(url)
client = MlflowClient()
checks = {}
timings = {}


def check(name, fn):
    """Records fn()'s value, or the error it raised (type and MLflow error code)."""
    try:
        checks[name] = fn()
    except Exception as e:  # noqa: BLE001 - the failure is the result
        code = getattr(e, "error_code", "")
        checks[name] = f"ERROR {type(e).__name__} {code}".strip()
        traceback.print_exc(file=sys.stderr)


X, y = load_iris(return_X_y=True)
exp = mlflow.set_experiment("mlflow3-models-compat")
exp_id = exp.experiment_id
name = "iris-classifier"

# 1. default autolog: a run with params, metrics and a logged model
mlflow.sklearn.autolog()
with mlflow.start_run() as auto_run:
    LogisticRegression(max_iter=300).fit(X, y)
mlflow.sklearn.autolog(disable=True)
check("autolog.run_status", lambda: client.get_run(auto_run.info.run_id).info.status)
check("autolog.param_max_iter", lambda: client.get_run(auto_run.info.run_id).data.params.get("max_iter"))
check(
    "autolog.metric_keys",
    lambda: sorted(k for k in client.get_run(auto_run.info.run_id).data.metrics if k.startswith("training_")),
)
check(
    "autolog.logged_models",
    lambda: [
        (m.name, m.status.name if hasattr(m.status, "name") else str(m.status))
        for m in client.search_logged_models(
            experiment_ids=[exp_id], filter_string=f"source_run_id = '{auto_run.info.run_id}'"
        )
    ],
)

# 2. log_model: a logged model with files, loaded back
model = LogisticRegression(max_iter=300).fit(X, y)
expected = [int(v) for v in model.predict(X[:10])]
with mlflow.start_run() as run:
    t = time.perf_counter()
    info = mlflow.sklearn.log_model(model, name="model", input_example=X[:2])
    timings["log_model_s"] = time.perf_counter() - t
check("log_model.status", lambda: str(client.get_logged_model(info.model_id).status))
check("log_model.name", lambda: client.get_logged_model(info.model_id).name)
check("log_model.source_run", lambda: client.get_logged_model(info.model_id).source_run_id == run.info.run_id)
check(
    "log_model.files",
    lambda: sorted(a.path for a in mlflow.artifacts.list_artifacts(artifact_uri=info.model_uri)),
)
check(
    "log_model.load_predict",
    lambda: [int(v) for v in mlflow.pyfunc.load_model(info.model_uri).predict(X[:10])] == expected,
)
check(
    "log_model.search_by_name",
    lambda: len(client.search_logged_models(experiment_ids=[exp_id], filter_string="name = 'model'")),
)
check("log_model.set_tag", lambda: client.set_logged_model_tags(info.model_id, {"team": "vision"}) or "ok")
check("log_model.tag_read", lambda: client.get_logged_model(info.model_id).tags.get("team"))

# 2b. metrics logged against the logged model, on a dataset (model_id, dataset_name/_digest)
iris_data = mlflow.data.from_numpy(X, targets=y, name="iris")
check(
    "log_model.log_metric",
    lambda: mlflow.log_metric(
        "accuracy", float(model.score(X, y)), run_id=run.info.run_id, model_id=info.model_id, dataset=iris_data
    )
    or "ok",
)
check(
    "log_model.metrics",
    lambda: sorted((m.key, m.dataset_name) for m in client.get_logged_model(info.model_id).metrics),
)
check(
    "log_model.search_by_metric",
    lambda: [
        m.model_id == info.model_id
        for m in client.search_logged_models(experiment_ids=[exp_id], filter_string="metrics.accuracy > 0.5")
    ],
)
check(
    "log_model.search_by_dataset",
    lambda: [
        m.model_id == info.model_id
        for m in client.search_logged_models(experiment_ids=[exp_id], datasets=[{"dataset_name": "iris"}])
    ],
)
check(
    "log_model.order_by_metric",
    lambda: [
        m.model_id == info.model_id
        for m in client.search_logged_models(
            experiment_ids=[exp_id], order_by=[{"field_name": "metrics.accuracy", "ascending": False}]
        )
    ][:1],
)

# 3. the registry: register_model from runs:/, alias, load by alias
t = time.perf_counter()
check("register.version", lambda: mlflow.register_model(f"runs:/{run.info.run_id}/model", name).version)
timings["register_s"] = time.perf_counter() - t
check("register.version_2", lambda: mlflow.register_model(info.model_uri, name).version)
check("register.source_is_logged_model", lambda: info.model_id in client.get_model_version(name, "1").source)
check("register.run_id", lambda: client.get_model_version(name, "1").run_id == run.info.run_id)
check("register.status", lambda: client.get_model_version(name, "1").status)
check("alias.set", lambda: client.set_registered_model_alias(name, "champion", "1") or "ok")
check("alias.get", lambda: client.get_model_version_by_alias(name, "champion").version)
check("alias.on_model", lambda: dict(client.get_registered_model(name).aliases))
t = time.perf_counter()
check(
    "alias.load_predict",
    lambda: [int(v) for v in mlflow.pyfunc.load_model(f"models:/{name}@champion").predict(X[:10])] == expected,
)
timings["load_by_alias_s"] = time.perf_counter() - t
check(
    "version.load_predict",
    lambda: [int(v) for v in mlflow.pyfunc.load_model(f"models:/{name}/2").predict(X[:10])] == expected,
)

# 4. the registry's other calls
check("model.search", lambda: [m.name for m in client.search_registered_models(filter_string="name LIKE 'iris%'")])
check("model.update", lambda: client.update_registered_model(name, description="iris, logistic").description)
check("model.set_tag", lambda: client.set_registered_model_tag(name, "owner", "bench") or "ok")
check("model.tags", lambda: client.get_registered_model(name).tags)
check("model.delete_tag", lambda: client.delete_registered_model_tag(name, "owner") or "ok")
check("model.tags_after", lambda: client.get_registered_model(name).tags)
check(
    "version.search",
    lambda: sorted(v.version for v in client.search_model_versions(f"name = '{name}'")),
)
check("version.update", lambda: client.update_model_version(name, "2", description="second").description)
check("version.set_tag", lambda: client.set_model_version_tag(name, "2", "validated", "yes") or "ok")
check("version.tags", lambda: client.get_model_version(name, "2").tags)
check(
    "version.stage",
    lambda: client.transition_model_version_stage(name, "2", "Staging").current_stage,
)
check(
    "version.latest",
    lambda: sorted((v.version, v.current_stage) for v in client.get_latest_versions(name)),
)
check("version.download_uri_set", lambda: bool(client.get_model_version_download_uri(name, "1")))
check("alias.delete", lambda: client.delete_registered_model_alias(name, "champion") or "ok")
check("alias.after_delete", lambda: dict(client.get_registered_model(name).aliases))
check("model.create_empty", lambda: client.create_registered_model("empty-model", description="later").name)
check("model.empty_versions", lambda: client.get_registered_model("empty-model").latest_versions)
check(
    "model.create_twice",
    lambda: client.create_registered_model("empty-model").name,
)
check("model.rename", lambda: client.rename_registered_model(name, name + "-v2") or "ok")
check("model.get_renamed_alias_gone", lambda: client.get_registered_model(name + "-v2").name)
check("model.get_old_name", lambda: client.get_registered_model(name).name)
check("version.delete", lambda: client.delete_model_version(name + "-v2", "1") or "ok")
check("version.after_delete", lambda: sorted(v.version for v in client.search_model_versions(f"name = '{name}-v2'")))
check("model.delete", lambda: client.delete_registered_model(name + "-v2") or "ok")
check("model.after_delete", lambda: client.get_registered_model(name + "-v2").name)
check("log_model.delete", lambda: client.delete_logged_model(info.model_id) or "ok")
check("log_model.after_delete", lambda: client.get_logged_model(info.model_id).name)

# 5. tracing: refused by Keel; an MLflow server keeps traces
check("tracing.search", lambda: type(mlflow.search_traces(locations=[exp_id])).__name__)

with open(out_path, "w") as f:
    json.dump({"checks": checks, "timings": timings}, f, indent=1, sort_keys=True, default=str)
print(json.dumps(checks, sort_keys=True, default=str))
