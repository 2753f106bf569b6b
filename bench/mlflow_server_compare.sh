#!/usr/bin/env bash
# The MLflow Java client logging the same points (logMetric per point, then logBatch of 1000)
# against an embedded Keel server and against MLflow's own tracking server (`mlflow server`,
# SQLite backend, from a throwaway virtualenv bench/.venv-mlflow), in one run; prints RESULT
# lines and the ratios. Not part of mvn verify.
#   bench/mlflow_server_compare.sh [POINTS_PER_POINT_CALLS] [BATCHED_POINTS]
set -euo pipefail
cd "$(dirname "$0")/.."
points=${1:-5000}
batched=${2:-100000}
venv=bench/.venv-mlflow
if [ ! -x "$venv/bin/mlflow" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q mlflow
fi
# always rebuilt (incremental): a jar left from older sources would test old code
mvn -q -B -Pbench-jar -pl bench -am package -DskipTests -Dspotless.check.skip=true
work=$(mktemp -d bench/work/mlflow-server.XXXXXX)
port=$((20000 + RANDOM % 20000))
export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true
"$venv/bin/mlflow" server --host 127.0.0.1 --port "$port" --workers 1 \
  --backend-store-uri "sqlite:///$PWD/$work/mlflow.db" --artifacts-destination "$PWD/$work/artifacts" \
  > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1 && break
  sleep 1
done
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), MLflow $("$venv/bin/python" -c 'import mlflow; print(mlflow.__version__)')"
out=$( { java -jar bench/target/keel-bench.jar mlflow-log --points "$points" --batch-points "$batched";
         java -jar bench/target/keel-bench.jar mlflow-log --points "$points" --batch-points "$batched" \
           --url "http://127.0.0.1:$port"; } 2>&1 | grep '^RESULT')
echo "$out"
echo "$out" | awk '{v[$2]=$3} END {
  printf "RATIO logMetric keel/mlflow-server %.1fx\n", v["mlflow-java.keel.logMetric"] / v["mlflow-java.mlflow-server.logMetric"];
  printf "RATIO logBatch keel/mlflow-server %.1fx\n", v["mlflow-java.keel.logBatch"] / v["mlflow-java.mlflow-server.logBatch"] }'
