#!/usr/bin/env bash
# Hyperband against the full grid on the reference MLP (examples/apparel-classifier): the same
# 12-point grid (hidden width 32…256 × learning rate), 9 epochs a trial, once run to the end and
# once with Hyperband (min_iter 1, eta 3, max_iter 9: brackets of synchronous successive halving,
# trials 1-9 with rungs at epochs 1 and 3, trials 10-12 with a rung at epoch 3; a trial pauses at
# its rung and a promoted one resumes from its checkpoint; HB_MIN_ITER=3 starts at epoch 3). Prints
# each sweep's best val_accuracy and the epochs it trained; the target is Hyperband within 0.005
# of the grid's best in at most half the grid's epochs. One agent, trials one at a time.
#   bench/sweep_hyperband.sh            (about 10 minutes on 2 cores)
#   HB_MODES=hyperband HB_MIN_ITER=3 bench/sweep_hyperband.sh   (one mode, first rung at epoch 3)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${HB_WORK:-$root/bench/work/hyperband}"
rm -rf "$work"
mkdir -p "$work"
export KEEL_HOME="$work/.keel"
keel="$root/keel"
cd "$root/examples/apparel-classifier"
./run register >"$work/register.log" 2>&1

sweep_file() { # NAME EARLY_TERMINATE
  cat <<YAML
name: $1
project: apparel-classifier
method: grid
metric: {name: val_accuracy, goal: maximize}
parameters:
  layers: {values: [32, 64, 128, 256]}
  learning_rate: {values: [0.0003, 0.001, 0.003]}
  dropout: {value: 0.2}
  epochs: {value: 9}
$2
command: [./run, train, mlp]
YAML
}

echo "# sweep_hyperband $(date -u +%Y-%m-%dT%H:%MZ) $(git -C "$root" rev-parse --short HEAD) load $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in ${HB_MODES:-grid hyperband}; do
  early=""
  if [ "$mode" = hyperband ]; then
    early="early_terminate: {type: hyperband, min_iter: ${HB_MIN_ITER:-1}, eta: 3, max_iter: 9}"
  fi
  sweep_file "mlp-$mode" "$early" >"$work/$mode.yaml"
  id="$("$keel" sweep create "$work/$mode.yaml" 2>/dev/null | head -1)"
  start=$(date +%s)
  "$keel" agent "$id" >"$work/$mode.log" 2>&1
  seconds=$(( $(date +%s) - start ))
  # an epoch's last progress line carries its val_accuracy (a slow epoch prints earlier ones too)
  epochs=$(grep -c '^\[[0-9]*\] epoch [0-9]*/9 .*val_accuracy' "$work/$mode.log" || true)
  paused=$(grep -c 'keel agent: trial [0-9]* paused' "$work/$mode.log" || true)
  resumed=$(grep -c 'keel agent: trial [0-9]* (run [0-9a-z]*) resumes' "$work/$mode.log" || true)
  best=$("$keel" sweep show "$id" --format json | python3 -c 'import json,sys; b=json.load(sys.stdin)["best"]; print("%.4f trial %d" % (b["metric"], b["trial"]))')
  stopped=$(grep -c 'trial [0-9]* stopped' "$work/$mode.log" || true)
  echo "RESULT $mode sweep=$id best_val_accuracy=$best epochs=$epochs stopped_trials=$stopped pauses=$paused resumes=$resumed wall_s=$seconds"
  "$keel" sweep show "$id" | sed 's/^/  /'
done
