#!/usr/bin/env bash
# The reference project's default MLP experiment (mlp.yaml: 784-512-256-10, dropout 0.2, Adam,
# batch 64, 5 epochs, seed 42, 2 intra-op threads, 1 inter-op) side by side, in ROUNDS rounds of
# three back-to-back runs: Keel+DJL untracked, Keel+DJL tracked (same seed), and the same MLP,
# data order and hyperparameters in PyTorch from Python (bench/pytorch_mlp.py, CPU wheel in a
# throwaway virtualenv). Each round's figures come from runs seconds apart, so a machine shared
# with other work still gives comparable pairs; the RESULT lines take medians over rounds.
#   bench/apparel_compare.sh [ROUNDS]      (default 3)
# Epoch time: wall time of one epoch, validation included (both sides), median of the 5 epochs
# of a run. Tracking overhead: the tracked run's training time over the untracked one's, per round.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
. bench/apparel_env.sh
trap 'rm -rf "$work"' EXIT

djl() { # track=true|false, output file
  (cd "$ex" && KEEL_HOME="$work/.keel" java -Dai.djl.offline=true -Djava.awt.headless=true -cp "$cp" \
      dev.keel.examples.apparel.training.RunExperiment mlp "track=$1" >"$2" 2>&1) || {
    cat "$2" >&2; exit 1; }
}
torch() {
  bench/.venv-torch/bin/python bench/pytorch_mlp.py >"$1" 2>&1 || { cat "$1" >&2; exit 1; }
}

plain=(); tracked=(); pt=(); ratios=(); overheads=(); all_plain=(); all_pt=()
for i in $(seq "$rounds"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  # alternate which Keel run goes first, so a trend in the machine's load favours neither
  if (( i % 2 )); then djl false "$work/p$i"; djl true "$work/t$i"; else djl true "$work/t$i"; djl false "$work/p$i"; fi
  torch "$work/pt$i"
  ep=$(median $(epochs_of "$work/p$i")); et=$(median $(epochs_of "$work/t$i")); ept=$(median $(epochs_of "$work/pt$i"))
  trp=$(grep -o 'training [0-9.]* s' "$work/p$i" | awk '{print $2}')
  trt=$(grep -o 'training [0-9.]* s' "$work/t$i" | awk '{print $2}')
  plain+=("$ep"); tracked+=("$et"); pt+=("$ept")
  all_plain+=($(epochs_of "$work/p$i")); all_pt+=($(epochs_of "$work/pt$i"))
  ratios+=("$(awk -v a="$ep" -v b="$ept" 'BEGIN {printf "%.3f", a/b}')")
  overheads+=("$(awk -v p="$trp" -v t="$trt" 'BEGIN {printf "%.2f", (t/p-1)*100}')")
  echo "round $i (load $load → $(cut -d' ' -f1 /proc/loadavg)): epoch median DJL $ep s, DJL tracked $et s, PyTorch $ept s;" \
       "ratio ${ratios[-1]}; training $trp s untracked, $trt s tracked (${overheads[-1]} %)"
done
echo "RESULT keel-djl.mlp.epoch_time.median $(median "${plain[@]}") s (untracked; per-round medians ${plain[*]}; epochs ${all_plain[*]})"
echo "RESULT keel-djl.mlp.epoch_time.tracked.median $(median "${tracked[@]}") s (per-round medians ${tracked[*]})"
echo "RESULT pytorch.mlp.epoch_time.median $(median "${pt[@]}") s (per-round medians ${pt[*]}; epochs ${all_pt[*]})"
echo "RESULT keel-djl.vs.pytorch.epoch_time.ratio $(median "${ratios[@]}") (per round ${ratios[*]}; target <= 1.2)"
echo "RESULT keel.tracking_overhead $(median "${overheads[@]}") % (per round ${overheads[*]}; target <= 2 %)"
echo "RESULT keel-djl.mlp.test_accuracy $(grep -o 'test_accuracy [0-9.]*' "$work/t1" | awk '{print $2}') (target >= 0.88)"
echo "RESULT pytorch.mlp.test_accuracy $(grep -o 'test_accuracy [0-9.]*' "$work/pt1" | awk '{print $2}')"
echo "# done $(date -u +%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
