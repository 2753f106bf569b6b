#!/usr/bin/env bash
# MLflow 3's model workflow (sklearn autolog, log_model, register_model, aliases,
# load_model("models:/NAME@ALIAS") + predict, registry calls) against an embedded Keel server
# and against a real `mlflow server`, then a diff of the two sets of checks.
# Optional; not part of mvn verify. Installs mlflow 3 and scikit-learn into bench/.venv-mlflow3.
# Raw output: bench/results/mlflow3-models-<date>.txt
set -euo pipefail
cd "$(dirname "$0")/.."
venv=bench/.venv-mlflow3
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import mlflow, sklearn' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'mlflow>=3,<4' scikit-learn
fi
# always rebuilt (incremental): a jar left from older sources would test old code
mvn -q -B -Pbench-jar -pl bench -am package -DskipTests -Dspotless.check.skip=true
mkdir -p bench/work bench/results
work=$(cd "$(mktemp -d bench/work/mlflow3-models.XXXXXX)" && pwd)
out=bench/results/mlflow3-models-$(date -u +%Y-%m-%dT%H%MZ).txt
keel_port=$((20000 + RANDOM % 20000))
mlflow_port=$((keel_port + 1))
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

java -jar bench/target/keel-bench.jar mlflow-serve --home "$work/keel" --port "$keel_port" > "$work/keel.log" 2>&1 &
pids+=($!)
venv_abs=$PWD/$venv
(cd "$work" && exec "$venv_abs/bin/mlflow" server --host 127.0.0.1 --port "$mlflow_port" \
  --backend-store-uri "sqlite:///$PWD/mlflow.db" --artifacts-destination "$PWD/mlartifacts" \
  > "$work/mlflow.log" 2>&1) &
pids+=($!)
for url in "http://127.0.0.1:$keel_port/healthz" "http://127.0.0.1:$mlflow_port/health"; do
  for _ in $(seq 1 240); do
    curl -sf "$url" > /dev/null 2>&1 && break
    sleep 0.5
  done
done

export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true MLFLOW_HTTP_REQUEST_MAX_RETRIES=0
{
  echo "# MLflow 3 models workflow: Keel vs mlflow server, $(date -u +%FT%TZ)"
  echo "# mlflow $("$venv/bin/python" -c 'import mlflow; print(mlflow.__version__)')," \
    "scikit-learn $("$venv/bin/python" -c 'import sklearn; print(sklearn.__version__)'), $(java -version 2>&1 | head -1)"
  echo "# machine shared with other jobs (measured under load)"
  for side in keel mlflow; do
    port=$keel_port; [ "$side" = mlflow ] && port=$mlflow_port
    echo "## $side (http://127.0.0.1:$port)"
    "$venv/bin/python" bench/mlflow3_models_compat.py "http://127.0.0.1:$port" "$work/$side.json" \
      2> "$work/$side.err" || echo "script failed: $(tail -3 "$work/$side.err")"
  done
  echo "## diff (check: keel | mlflow)"
  "$venv/bin/python" - "$work/keel.json" "$work/mlflow.json" <<'EOF'
import json, sys
keel, ml = (json.load(open(p)) for p in sys.argv[1:3])
same = 0
for k in sorted(set(keel["checks"]) | set(ml["checks"])):
    a, b = keel["checks"].get(k, "<missing>"), ml["checks"].get(k, "<missing>")
    if a == b:
        same += 1
    else:
        print(f"DIFF {k}: {a!r} | {b!r}")
total = len(set(keel["checks"]) | set(ml["checks"]))
print(f"RESULT {same} of {total} checks match")
for k in sorted(keel["timings"]):
    print(f"TIMING {k}: keel {keel['timings'][k]:.3f} s, mlflow {ml['timings'].get(k, float('nan')):.3f} s (one run)")
EOF
} | tee "$out"
echo "raw output: $out"
