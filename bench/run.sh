#!/usr/bin/env bash
# Runs Keel's benchmarks and, with --with-mlflow, MLflow's Python client on the same workload,
# side by side. Prints RESULT lines; copy them with the date and machine into docs/benchmarks.md.
#   bench/run.sh [--with-mlflow] [harness ...]
set -euo pipefail
cd "$(dirname "$0")/.."
with_mlflow=0
harnesses=()
for a in "$@"; do
  case "$a" in
    --with-mlflow) with_mlflow=1 ;;
    *) harnesses+=("$a") ;;
  esac
done
[ ${#harnesses[@]} -gt 0 ] || harnesses=(init-latency log-latency ingest http-ingest loop-overhead history-read runs-query runs-search)

export OPT_OUT_TRACKING=true
mvn -q -B -Pbench-jar -pl bench,keel-cli -am package -DskipTests
# A folder of its own: the other scripts keep their jars and exported data elsewhere under bench/work.
WORK=bench/work/harness
mkdir -p "$WORK"
JAVA_OPTS=(-Dai.djl.offline=true -Dkeel.bench.work="$WORK")
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
for h in "${harnesses[@]}"; do
  java "${JAVA_OPTS[@]}" -jar bench/target/keel-bench.jar "$h" 2>&1 | grep -E '^RESULT|Exception|error' || true
done

if [ "$with_mlflow" = 1 ]; then
  steps=${MLFLOW_STEPS:-10000}
  if [ ! -x bench/.venv/bin/python ]; then
    python3 -m venv bench/.venv
    bench/.venv/bin/pip install -q mlflow
  fi
  echo "# same workload: $steps steps x 5 metrics"
  java "${JAVA_OPTS[@]}" -jar bench/target/keel-bench.jar ingest --points $((steps * 5)) --processes 1 --warmup 1 | grep '^RESULT ingest.1run' | sed 's/ingest.1run/keel.embedded.log/'
  # MLflow 3 refuses its file store unless asked; users who still use it set this
  MLFLOW_ALLOW_FILE_STORE=true BENCH_WORK="$WORK" bench/.venv/bin/python bench/mlflow_compare.py "$steps"
fi
rm -rf "$WORK"
