#!/usr/bin/env bash
# The reference project's default MLP experiment: Keel+DJL with and without tracking (same seed,
# alternating), and the same MLP, data order and hyperparameters in PyTorch from Python (CPU,
# same thread counts), side by side. Prints RESULT lines for docs/benchmarks.md.
#   bench/apparel_compare.sh [PAIRS]      (default 2 pairs of tracked/untracked runs)
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-2}
export OPT_OUT_TRACKING=true
mvn -q -B -pl examples/apparel-classifier -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt >&2
ex=examples/apparel-classifier
cp="$PWD/$ex/target/classes:$(cat $ex/target/classpath.txt)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"

train() { # track=true|false → prints training seconds
  (cd "$ex" && KEEL_HOME="$work/.keel" java -Dai.djl.offline=true -Djava.awt.headless=true -cp "$cp" \
      dev.keel.examples.apparel.training.RunExperiment mlp "track=$1" 2>&1 >"$work/out-$1.txt") || {
    cat "$work/out-$1.txt" >&2; exit 1; }
  grep -o 'training [0-9.]* s' "$work/out-$1.txt" | awk '{print $2}'
  grep -o 'test_accuracy [0-9.]*' "$work/out-$1.txt" | awk '{print $2}' > "$work/acc-$1.txt"
}

plain=(); tracked=()
for i in $(seq "$pairs"); do
  plain+=("$(train false)")
  tracked+=("$(train true)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
p=$(median "${plain[@]}"); t=$(median "${tracked[@]}")
echo "RESULT keel-djl.mlp.train_time.untracked $p s (runs: ${plain[*]})"
echo "RESULT keel-djl.mlp.train_time.tracked $t s (runs: ${tracked[*]})"
mvn -q -B -pl keel-cli -am -DskipTests package >&2
keel() { KEEL_HOME="$work/.keel" java -jar keel-cli/target/keel.jar "$@"; }
epochs=()
for id in $(keel runs --project apparel-classifier --format json | python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.load(sys.stdin)))'); do
  epochs+=($(keel run history "$id" epoch_time_s --format json | python3 -c 'import json,sys; print(" ".join(str(p["value"]) for p in json.load(sys.stdin)))'))
done
echo "RESULT keel-djl.mlp.epoch_time.median $(median "${epochs[@]}") s (tracked runs; epochs ${epochs[*]}; validation included)"
echo "RESULT keel.tracking_overhead $(awk -v p="$p" -v t="$t" 'BEGIN {printf "%.2f", (t/p-1)*100}') % (target <= 2 %)"
echo "RESULT keel-djl.mlp.test_accuracy $(cat "$work/acc-true.txt") (target >= 0.88)"

if [ ! -x bench/.venv-torch/bin/python ]; then
  python3 -m venv bench/.venv-torch
  bench/.venv-torch/bin/pip install -q torch==2.7.1 numpy
fi
bench/.venv-torch/bin/python bench/pytorch_mlp.py
