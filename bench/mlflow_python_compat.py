"""MLflow's Python client against a Keel server: the basic tracking calls, read back equal.

Optional compatibility check, not part of mvn verify. Run by bench/mlflow_python_compat.sh, which
starts an embedded Keel server and uses the throwaway virtualenv bench/.venv-mlflow:
    python bench/mlflow_python_compat.py http://127.0.0.1:PORT
Prints one line per check and exits non-zero on the first mismatch.
"""
import os
import sys
import tempfile

import mlflow
from mlflow.tracking import MlflowClient


def check(what, got, want):
    if got != want:
        print(f"FAIL {what}: got {got!r}, want {want!r}")
        sys.exit(1)
    print(f"ok   {what}")


def main(uri):
    mlflow.set_tracking_uri(uri)
    exp = mlflow.set_experiment("python-compat")
    check("set_experiment creates an active experiment", exp.lifecycle_stage, "active")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "notes.txt")
        with open(path, "w") as f:
            f.write("hello from python")
        with mlflow.start_run(run_name="py-run") as run:
            run_id = run.info.run_id
            mlflow.log_param("lr", 0.01)
            mlflow.log_params({"layers": 3, "opt": "adam"})
            mlflow.log_metric("loss", 0.5, step=1)
            mlflow.log_metrics({"acc": 0.9, "loss": 0.4}, step=2)
            mlflow.set_tag("team", "vision")
            mlflow.set_tags({"stage": "dev"})
            mlflow.log_artifact(path, artifact_path="docs")
        client = MlflowClient()
        r = client.get_run(run_id)
        check("run name", r.info.run_name, "py-run")
        check("status after the with block", r.info.status, "FINISHED")
        check("end time set", r.info.end_time is not None and r.info.end_time >= r.info.start_time, True)
        check("params", r.data.params, {"lr": "0.01", "layers": "3", "opt": "adam"})
        check("latest metrics", r.data.metrics, {"loss": 0.4, "acc": 0.9})
        check("user tags", {k: v for k, v in r.data.tags.items() if not k.startswith("mlflow.")},
              {"team": "vision", "stage": "dev"})
        check("source tag kept", "mlflow.source.name" in r.data.tags, True)
        check("metric history", [(m.step, m.value) for m in client.get_metric_history(run_id, "loss")],
              [(1, 0.5), (2, 0.4)])
        df = mlflow.search_runs([exp.experiment_id], filter_string="metrics.acc > 0.5 and params.opt = 'adam'",
                                order_by=["metrics.acc DESC"])
        check("search_runs finds the run", list(df["run_id"]), [run_id])
        runs = client.search_runs([exp.experiment_id], filter_string="tags.team LIKE 'vis%'")
        check("search with LIKE on a tag", [x.info.run_id for x in runs], [run_id])
        check("list_artifacts", [(f.path, f.is_dir) for f in client.list_artifacts(run_id, "docs")],
              [("docs/notes.txt", False)])
        local = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="docs/notes.txt", dst_path=tmp + "/dl")
        with open(local) as f:
            check("download_artifacts", f.read(), "hello from python")
        try:
            client.log_param(run_id, "lr", "0.1")
            check("changing a param is refused", "accepted", "refused")
        except mlflow.exceptions.MlflowException as e:
            check("changing a param is refused", e.error_code, "INVALID_PARAMETER_VALUE")
    print("all Python client checks passed")


if __name__ == "__main__":
    main(sys.argv[1])
