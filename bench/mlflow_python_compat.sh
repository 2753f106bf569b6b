#!/usr/bin/env bash
# MLflow's Python client against an embedded Keel server (bench/mlflow_python_compat.py).
# Optional; not part of mvn verify. Installs mlflow into bench/.venv-mlflow on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=bench/.venv-mlflow
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import mlflow' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q mlflow
fi
# always rebuilt (incremental): a jar left from older sources would test old code
mvn -q -B -Pbench-jar -pl bench -am package -DskipTests -Dspotless.check.skip=true
mkdir -p bench/work
home=$(mktemp -d bench/work/mlflow-compat.XXXXXX)
port=$((20000 + RANDOM % 20000))
java -jar bench/target/keel-bench.jar mlflow-serve --home "$home" --port "$port" > "$home/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$home"' EXIT
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break
  sleep 0.5
done
export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true
"$venv/bin/python" bench/mlflow_python_compat.py "http://127.0.0.1:$port"
# the Java client's artifact calls shell out to Python's mlflow: check them with this venv's
MLFLOW_PYTHON_EXECUTABLE="$PWD/$venv/bin/python" java -Dkeel.bench.work=bench/work -jar bench/target/keel-bench.jar mlflow-java-artifacts
