#!/usr/bin/env bash
# How long `keel repro` takes to decide that nothing is stale, for the reference flow
# (examples/apparel-classifier/keel.yaml: register → train → promote): the wall time of the whole
# command, JVM start of the CLI included; every stage's inputs and outputs are hashed each time
# (sources, artifacts/flow/, weights/) and the dataset reference is resolved in the store.
#   bench/flow_repro.sh [ROUNDS] [PROJECT_DIR]     (defaults: 7, examples/apparel-classifier)
# The flow must have run through once (../../keel repro in that folder), so keel.lock is there.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
dir=${2:-examples/apparel-classifier}
jar=keel-cli/target/keel.jar
[ -f "$jar" ] || { echo "build the CLI first: mvn -q -B -pl keel-cli -am package -DskipTests" >&2; exit 2; }
[ -f "$dir/keel.lock" ] || { echo "run the flow once first: (cd $dir && ../../keel repro)" >&2; exit 2; }
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
echo "# keel repro in $dir with nothing stale; $rounds rounds; wall seconds"
times=()
for i in $(seq 1 "$rounds"); do
  start=$(date +%s.%N)
  out=$(cd "$dir" && java -jar "$OLDPWD/$jar" repro 2>&1)
  end=$(date +%s.%N)
  echo "$out" | grep -q "up to date:" || { echo "round $i: something was stale:"; echo "$out"; exit 1; }
  t=$(echo "$end - $start" | bc -l)
  times+=("$t")
  printf 'round %d: %.3f s\n' "$i" "$t"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "median %.3f s, min %.3f s, max %.3f s\n", a[int((NR+1)/2)], a[1], a[NR]}'
echo "# last output:"
echo "$out"
