#!/usr/bin/env bash
# Before/after of one change on the figures every change must keep: ingest (1 run, and 8
# processes into one SQLite file), adding the 70,000 Fashion-MNIST PNGs as a dataset, and
# checking that version out into a new folder. Builds the CLI and benchmark jars of BASE (a git
# ref) and of the working tree, then alternates them round by round (the order flips each round)
# and prints medians, ranges and after/before ratios.
#   bench/ab_compare.sh [BASE_REF] [ROUNDS]      (defaults: 1049012, the commit before issue 12; 5)
#   AB_POINTS=N (default 2,000,000): points per ingest run
#   AB_CHECKOUT_ARGS="--link hardlink": extra arguments for the working tree's checkout only
#   AB_PARTS="ingest" (default "ingest data"): what to measure
# Raw output: bench/results/ab-<UTC>.txt. Nothing else should run meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BASE_REF=${1:-1049012}
ROUNDS=${2:-5}
POINTS=${AB_POINTS:-2000000}
WORK=$ROOT/bench/work/ab
out=$ROOT/bench/results/ab-$(date -u +%Y-%m-%dT%H%MZ).txt
mkdir -p "$WORK" "$ROOT/bench/results"

build() { # build TREE DEST: the CLI and benchmark jars of TREE, copied to DEST
  (cd "$1" && mvn -q -B -o -Pbench-jar -pl bench,keel-cli -am package -DskipTests >&2)
  mkdir -p "$2" && cp "$1/keel-cli/target/keel.jar" "$1/bench/target/keel-bench.jar" "$2/"
}
base_tree=$WORK/base-tree
if [ ! -d "$base_tree" ]; then
  git worktree add -q --detach "$base_tree" "$BASE_REF"
else
  git -C "$base_tree" checkout -q --detach "$BASE_REF"
fi
trap 'git worktree remove --force "$base_tree" 2>/dev/null || true' EXIT
build "$base_tree" "$WORK/before"
build "$ROOT" "$WORK/after"

src=$WORK/src/fmnist
if [ ! -d "$src" ]; then
  echo "# exporting Fashion-MNIST as PNGs" >&2
  java keel-data/src/test/java/dev/keel/data/bench/FashionMnistExport.java "$src" >&2
fi

echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(java -version 2>&1 | head -1)" | tee "$out"
echo "# before: $BASE_REF ($(git rev-parse --short "$BASE_REF")), after: working tree at $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + changes')" | tee -a "$out"
echo "# $(find "$src" -type f | wc -l) files, $ROUNDS rounds, $POINTS points per ingest" | tee -a "$out"

seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$@"; }
one() { # one VERSION ROUND: every measurement of VERSION once, as "metric value" lines
  local v=$1 jar=$WORK/$1/keel.jar home=$WORK/home-$1 co=$WORK/co-$1 s e extra=()
  [ "$v" = after ] && [ -n "${AB_CHECKOUT_ARGS:-}" ] && read -r -a extra <<<"$AB_CHECKOUT_ARGS"
  rm -rf "$home" "$co"
  [[ " ${AB_PARTS:-ingest data} " == *" ingest "* ]] && java -Dai.djl.offline=true -Dkeel.bench.work="$WORK/bench-$v" -jar "$WORK/$v/keel-bench.jar" ingest --points "$POINTS" 2>&1 \
    | awk -v v="$v" '/^RESULT ingest\.(1run|8proc) /{print v, $2, $3}'
  [[ " ${AB_PARTS:-ingest data} " == *" data "* ]] || return 0
  sync
  s=$(date +%s.%N)
  java -Dai.djl.offline=true -jar "$jar" data add fmnist "$src" -m v1 --home "$home" >/dev/null
  e=$(date +%s.%N); echo "$v add70k_s $(seconds "$s" "$e")"
  sync
  s=$(date +%s.%N)
  java -Dai.djl.offline=true -jar "$jar" data checkout fmnist:v1 "$co" --home "$home" "${extra[@]}" >/dev/null
  e=$(date +%s.%N); echo "$v checkout70k_s $(seconds "$s" "$e")"
  chmod -R u+w "$home" "$co" 2>/dev/null || true
  rm -rf "$home" "$co" "$WORK/bench-$v"
}

for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then order=(before after); else order=(after before); fi
  for v in "${order[@]}"; do
    echo "# round $r $v, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    one "$v" "$r" | sed "s/^/round $r /" | tee -a "$out"
  done
done

python3 - "$out" <<'PY' | tee -a "$out"
import statistics, sys
vals = {}
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) == 5 and p[0] == "round":
        vals.setdefault(p[3], {}).setdefault(p[2], []).append(float(p[4]))
print(f"{'metric':16} {'before median (range)':>30} {'after median (range)':>30} {'after/before':>13}")
for metric, by in vals.items():
    b, a = by.get("before", []), by.get("after", [])
    if not b or not a:
        continue
    mb, ma = statistics.median(b), statistics.median(a)
    fmt = lambda m, xs: f"{m:.4g} ({min(xs):.4g}-{max(xs):.4g})"
    print(f"{metric:16} {fmt(mb, b):>30} {fmt(ma, a):>30} {ma / mb:>12.3f}x")
PY
rm -rf "$WORK/before" "$WORK/after" "$WORK"/home-* "$WORK"/co-*
