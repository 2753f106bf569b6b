#!/usr/bin/env bash
# How long `keel repro` takes to decide that nothing is stale, for the reference flow
# (examples/apparel-classifier/keel.yaml: register → train → promote): the wall time of the whole
# command through the ./keel launcher as a user runs it (its class-data archive and JIT options),
# JVM start of the CLI included; every stage's inputs and outputs are checked against the hash
# cache (re-hashed when changed) and the dataset reference is resolved in the store. Each
# round also gives the CPU time (user + sys) of the command and, as a baseline, of `keel --version`
# (JVM start and the CLI's class loading), which matter more than the wall time on a loaded machine.
#   bench/flow_repro.sh [ROUNDS] [PROJECT_DIR]     (defaults: 7, examples/apparel-classifier)
# The flow must have run through once (../../keel repro in that folder), so keel.lock is there.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
dir=${2:-examples/apparel-classifier}
keel="$PWD/keel"
"$keel" --version >/dev/null # builds the jar when the sources are newer
# the launcher makes its class-data archive in the background after a build: wait for it
sleep 2
[ -e keel-cli/target/cds/.dump.lock ] && flock keel-cli/target/cds/.dump.lock true
[ -f "$dir/keel.lock" ] || { echo "run the flow once first: (cd $dir && ../../keel repro)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
echo "# keel repro in $dir with nothing stale; $rounds rounds; wall seconds"
times=(); cpus=(); bases=()
for i in $(seq 1 "$rounds"); do
  /usr/bin/time -o "$tmp/base" -f "%U %S" "$keel" --version >/dev/null 2>&1
  start=$(date +%s.%N)
  out=$(cd "$dir" && /usr/bin/time -o "$tmp/cpu" -f "%U %S" "$keel" repro 2>&1)
  end=$(date +%s.%N)
  echo "$out" | grep -q "up to date:" || { echo "round $i: something was stale:"; echo "$out"; exit 1; }
  t=$(echo "$end - $start" | bc -l)
  c=$(awk '{print $1 + $2}' "$tmp/cpu")
  b=$(awk '{print $1 + $2}' "$tmp/base")
  times+=("$t"); cpus+=("$c"); bases+=("$b")
  printf 'round %d: wall %.3f s, cpu %.2f s (keel --version: cpu %.2f s), load %s\n' "$i" "$t" "$c" "$b" "$(cut -d' ' -f1 /proc/loadavg)"
done
stats() { sort -n | awk -v what="$1" '{a[NR]=$1} END {printf "%s: median %.3f s, min %.3f s, max %.3f s\n", what, a[int((NR+1)/2)], a[1], a[NR]}'; }
printf '%s\n' "${times[@]}" | stats "wall"
printf '%s\n' "${cpus[@]}" | stats "cpu of keel repro"
printf '%s\n' "${bases[@]}" | stats "cpu of keel --version"
echo "# last output:"
echo "$out"
