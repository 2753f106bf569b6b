#!/usr/bin/env bash
# The apparel MLP three ways — Keel+DJL untracked, Keel+DJL tracked, PyTorch from Python — with
# the three processes TAKING TURNS one epoch at a time (KEEL_EPOCH_GATE): epoch E of each runs
# within seconds of the others', so the machine's state (on this shared VM the same process can
# run 40 % faster or slower from one minute to the next) is the same for the epochs compared.
# The order within each turn rotates, so none always goes first. The turns pass through named
# pipes: the trainers that wait, and this script, block instead of polling. Per epoch: DJL/PyTorch ratio
# and tracked/untracked overhead; RESULT lines take medians over every epoch of every round.
#   bench/apparel_lockstep.sh [ROUNDS]      (default 3; 5 epochs each)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
. bench/apparel_env.sh
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
wait_for() { while [ ! -e "$1" ]; do sleep 0.01; done; }

names=(plain tracked torch)
ratios=(); overheads=(); tracked_ratios=()
for r in $(seq "$rounds"); do
  g="$work/r$r"; mkdir -p "$g"
  for n in "${names[@]}"; do mkfifo "$g/$n.go" "$g/$n.done"; done
  (cd "$ex" && KEEL_EPOCH_GATE="$g/plain" KEEL_HOME="$work/.keel" java -Dai.djl.offline=true -Djava.awt.headless=true \
      -cp "$cp" dev.keel.examples.apparel.training.RunExperiment mlp track=false >"$g/plain.out" 2>&1) &
  (cd "$ex" && KEEL_EPOCH_GATE="$g/tracked" KEEL_HOME="$work/.keel" java -Dai.djl.offline=true -Djava.awt.headless=true \
      -cp "$cp" dev.keel.examples.apparel.training.RunExperiment mlp track=true >"$g/tracked.out" 2>&1) &
  KEEL_EPOCH_GATE="$g/torch" bench/.venv-torch/bin/python bench/pytorch_mlp.py >"$g/torch.out" 2>&1 &
  for n in "${names[@]}"; do wait_for "$g/$n.ready"; done
  for e in 0 1 2 3 4; do
    for k in 0 1 2; do
      n=${names[$(( (k + e + r) % 3 ))]}
      echo "$e" > "$g/$n.go"; read -r _ < "$g/$n.done"
    done
  done
  for n in "${names[@]}"; do echo end > "$g/$n.go"; done
  wait
  p=($(epochs_of "$g/plain.out")); t=($(epochs_of "$g/tracked.out")); q=($(epochs_of "$g/torch.out"))
  line="round $r (load $(cut -d' ' -f1 /proc/loadavg)):"
  for e in 0 1 2 3 4; do
    ratios+=("$(awk -v a="${p[$e]}" -v b="${q[$e]}" 'BEGIN {printf "%.3f", a/b}')")
    tracked_ratios+=("$(awk -v a="${t[$e]}" -v b="${q[$e]}" 'BEGIN {printf "%.3f", a/b}')")
    overheads+=("$(awk -v p="${p[$e]}" -v t="${t[$e]}" 'BEGIN {printf "%.2f", (t/p-1)*100}')")
    line+=" epoch $((e + 1)) DJL ${p[$e]} tracked ${t[$e]} PyTorch ${q[$e]};"
  done
  echo "$line"
done
echo "RESULT keel-djl.vs.pytorch.epoch_time.ratio.lockstep $(median "${ratios[@]}") (untracked DJL / PyTorch, median of $(( rounds * 5 )) epoch pairs: ${ratios[*]}; target <= 1.2)"
echo "RESULT keel-djl-tracked.vs.pytorch.epoch_time.ratio.lockstep $(median "${tracked_ratios[@]}") (tracked DJL / PyTorch: ${tracked_ratios[*]})"
echo "RESULT keel.tracking_overhead.lockstep $(median "${overheads[@]}") % (tracked / untracked epoch, per epoch: ${overheads[*]}; target <= 2 %)"
echo "RESULT keel-djl.mlp.test_accuracy $(grep -o 'test_accuracy [0-9.]*' "$work/r1/tracked.out" | awk '{print $2}') (tracked) $(grep -o 'test_accuracy [0-9.]*' "$work/r1/plain.out" | awk '{print $2}') (untracked) (target >= 0.88)"
