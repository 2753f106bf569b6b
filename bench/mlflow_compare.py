"""Log the same metric points with MLflow's Python client into its file and SQLite stores.

Run by bench/run.sh inside a throwaway virtualenv (bench/.venv); never needed by mvn verify.
Prints RESULT lines in the same shape as the Java harnesses.
"""
import os
import sys
import tempfile
import time

import mlflow
from mlflow.entities import Metric
from mlflow.tracking import MlflowClient

KEYS = ["loss", "accuracy", "lr", "grad_norm", "throughput"]


def fluent(uri, steps):
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment("bench")
    t0 = time.perf_counter()
    with mlflow.start_run():
        for i in range(steps):
            mlflow.log_metrics({k: float(i * 5 + j) for j, k in enumerate(KEYS)}, step=i)
    return steps * len(KEYS) / (time.perf_counter() - t0)


def batched(uri, steps):
    client = MlflowClient(uri)
    exp = client.create_experiment("bench-batch-%d" % time.time_ns())
    run = client.create_run(exp)
    t0 = time.perf_counter()
    now = int(time.time() * 1000)
    pending = []
    for i in range(steps):
        for j, k in enumerate(KEYS):
            pending.append(Metric(k, float(i * 5 + j), now, i))
        if len(pending) >= 1000:  # MLflow's log_batch limit
            client.log_batch(run.info.run_id, metrics=pending)
            pending = []
    if pending:
        client.log_batch(run.info.run_id, metrics=pending)
    client.set_terminated(run.info.run_id)
    return steps * len(KEYS) / (time.perf_counter() - t0)


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    work = os.path.abspath(tempfile.mkdtemp(prefix="mlflow-bench-", dir=os.environ.get("BENCH_WORK", None)))
    file_uri = "file://" + os.path.join(work, "mlruns")
    sqlite_uri = "sqlite:///" + os.path.join(work, "mlflow.db")
    print("RESULT mlflow.file.log_metrics %.4g points/s (steps %d)" % (fluent(file_uri, steps), steps))
    print("RESULT mlflow.sqlite.log_metrics %.4g points/s (steps %d)" % (fluent(sqlite_uri, steps), steps))
    print("RESULT mlflow.file.log_batch %.4g points/s (steps %d)" % (batched(file_uri, steps), steps))
    print("RESULT mlflow.sqlite.log_batch %.4g points/s (steps %d)" % (batched(sqlite_uri, steps), steps))


if __name__ == "__main__":
    main()
