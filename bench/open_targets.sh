#!/usr/bin/env bash
# Reruns, back to back, the benchmarks whose targets are still open (see docs/benchmarks.md), for
# a quiet machine: nothing else should run meanwhile. Raw output: bench/results/open-targets-<UTC>.txt.
#   bench/open_targets.sh [PART ...]   parts: ingest http mlflow apparel data loop (default: all)
#   APPAREL_ROUNDS=N (default 5): rounds of the DJL/PyTorch comparison
set -euo pipefail
cd "$(dirname "$0")/.."
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(ingest http mlflow apparel data loop)
out=bench/results/open-targets-$(date -u +%Y-%m-%dT%H%MZ).txt
mkdir -p bench/results bench/work
mvn -q -B -o -Pbench-jar -pl bench,keel-cli -am package -DskipTests >&2
bench=(java -jar bench/target/keel-bench.jar)
note() { echo "# $(date -u +%H:%M:%SZ) load $(cut -d' ' -f1-3 /proc/loadavg): $*" | tee -a "$out"; }
run() { "$@" 2>&1 | grep -E '^(RESULT|RATIO|#|operation|add|re-add|diff|checkout|  bytes|round|epoch|median|tracking)' | tee -a "$out"; }
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(java -version 2>&1 | head -1), commit $(git rev-parse --short HEAD)" | tee "$out"
for part in "${parts[@]}"; do
  case $part in
    ingest)
      for round in 1 2 3; do
        note "ingest, 1 run, then 8 processes into one SQLite store (round $round)"
        run "${bench[@]}" ingest
      done ;;
    http)
      for store in embedded postgres; do
        note "http-ingest $store, flat out"; run "${bench[@]}" http-ingest --store "$store"
        for round in 1 2 3; do
          note "http-ingest $store, paced at 320,000 points/s (round $round)"
          run "${bench[@]}" http-ingest --store "$store" --rate 320000
        done
      done ;;
    mlflow) note "MLflow Java client: Keel vs mlflow server"; run bench/mlflow_server_compare.sh ;;
    apparel) note "DJL vs PyTorch, tracked vs untracked"; run bench/apparel_compare.sh "${APPAREL_ROUNDS:-5}" ;;
    data) note "datasets vs DVC (git-annex left out)"; DATA_BENCH_SKIP_ANNEX=1 SKIP_BUILD=1 run bench/data_compare.sh ;;
    loop)
      for round in 1 2; do
        note "training-loop overhead (round $round)"; run "${bench[@]}" loop-overhead
      done ;;
    *) echo "unknown part $part" >&2; exit 2 ;;
  esac
done
note "done"
