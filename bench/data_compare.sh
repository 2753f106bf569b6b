#!/usr/bin/env bash
# Dataset versioning side by side: Keel (the real CLI jar, a fresh JVM per command), DVC and
# git-annex on the same data — Fashion-MNIST as 70,000 PNGs in class folders, and one synthetic
# 1 GiB file. Prints one table with times and ratios (> 1 means Keel is faster).
#   bench/data_compare.sh            (work folder: bench/work/data, removed at the end)
# Needs: a JDK, Maven, python3 with venv; installs Debian's dataset-fashion-mnist and git-annex
# with apt-get when missing and DVC with pip into bench/.venv-dvc. Never needed by `mvn verify`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${DATA_BENCH_WORK:-$ROOT/bench/work/data}
LOG=$WORK/commands.log

need_apt() {
  local missing=()
  [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || missing+=(dataset-fashion-mnist)
  command -v git-annex >/dev/null 2>&1 || missing+=(git-annex)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "# installing ${missing[*]} (apt-get)" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  fi
}
need_apt
if [ ! -x bench/.venv-dvc/bin/dvc ]; then
  echo "# installing DVC into bench/.venv-dvc (pip)" >&2
  python3 -m venv bench/.venv-dvc && bench/.venv-dvc/bin/pip install -q dvc >&2
fi
DVC=$ROOT/bench/.venv-dvc/bin/dvc
export DVC_NO_ANALYTICS=1
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -q -B -pl keel-cli -am package -DskipTests
# DATA_BENCH_REUSE=1 keeps an earlier export in $WORK/src; DATA_BENCH_SKIP_ANNEX=1 leaves git-annex out
# (its add of 70,000 files takes ~12 minutes on 2 busy cores).
if [ "${DATA_BENCH_REUSE:-0}" = 1 ] && [ -d "$WORK/src/fmnist" ]; then
  find "$WORK" -mindepth 1 -maxdepth 1 ! -name src -exec chmod -R u+w {} + -exec rm -rf {} + 2>/dev/null || true
else
  rm -rf "$WORK"
fi
mkdir -p "$WORK"
# A private copy: a build during the benchmark must not swap the jar under it.
JAR=$WORK/keel.jar && cp keel-cli/target/keel.jar "$JAR"
keel() { java -Dai.djl.offline=true -jar "$JAR" "$@" --home "$WORK/keel-home"; }
if [ ! -d "$WORK/src/fmnist" ]; then
  echo "# data: exporting Fashion-MNIST as PNGs" >&2
  java keel-data/src/test/java/dev/keel/data/bench/FashionMnistExport.java "$WORK/src/fmnist" >&2
  mkdir -p "$WORK/src/big" && head -c 1073741824 /dev/urandom > "$WORK/src/big/big.bin"
fi
files=$(find "$WORK/src/fmnist" -type f | wc -l)
bytes=$(du -sb "$WORK/src/fmnist" | cut -f1)

declare -A T   # "tool|row" -> seconds (or a note)
timeit() { # timeit TOOL ROW CMD...: runs CMD once, output to the log
  local tool=$1 row=$2; shift 2
  echo "## $tool | $row: $*" >>"$LOG"
  local s e; s=$(date +%s.%N)
  if "$@" >>"$LOG" 2>&1; then
    e=$(date +%s.%N)
    T["$tool|$row"]=$(python3 -c "print(f'{$e-$s:.2f}')")
  else
    T["$tool|$row"]=failed; echo "# $tool $row failed: see $LOG" >&2
  fi
}
# Changes 1% of the PNGs (every 100th path, sorted) by appending 16 bytes: the same edit for every tool.
change_one_percent() { (cd "$1" && find . -type f -name '*.png' | LC_ALL=C sort | awk 'NR % 100 == 0' \
  | while read -r f; do printf 'changed-%08d\n' "$RANDOM" >>"$f"; done) }
# Rewrites 1 MiB in the middle of the big file.
change_one_mib() { dd if=/dev/urandom of="$1" bs=1M count=1 seek=512 conv=notrunc status=none; }
stored() { python3 -c 'import json,sys; print(json.load(sys.stdin)["bytes_stored"])'; }

uptime_before=$(uptime)
# ---- Keel --------------------------------------------------------------------------------
cp -a "$WORK/src" "$WORK/keel" && sync
timeit keel add keel data add fmnist "$WORK/keel/fmnist" -m v1
timeit keel readd keel data add fmnist "$WORK/keel/fmnist" -m same
change_one_percent "$WORK/keel/fmnist"
s=$(date +%s.%N); k1=$(keel data add fmnist "$WORK/keel/fmnist" -m "1% changed" --format json); e=$(date +%s.%N)
T[keel|add1]=$(python3 -c "print(f'{$e-$s:.2f}')"); T[keel|new1]=$(echo "$k1" | stored)
timeit keel diff keel data diff fmnist:v1 fmnist:v2 --stat
timeit keel checkout keel data checkout fmnist:v2 "$WORK/keel-co"
timeit keel addbig keel data add big "$WORK/keel/big" -m v1
change_one_mib "$WORK/keel/big/big.bin"
s=$(date +%s.%N); k2=$(keel data add big "$WORK/keel/big" -m "1 MiB changed" --format json); e=$(date +%s.%N)
T[keel|addbig1]=$(python3 -c "print(f'{$e-$s:.2f}')"); T[keel|newbig1]=$(echo "$k2" | stored)
rm -rf "$WORK/keel" "$WORK/keel-co" "$WORK/keel-home" || true

# ---- DVC (git repo, local cache; default cache type) --------------------------------------
cp -a "$WORK/src" "$WORK/dvc" && sync
cd "$WORK/dvc" && git init -q && git config user.email b@e && git config user.name bench && "$DVC" init -q
git add .dvc .dvcignore >>"$LOG" 2>&1 && git commit -qm init >>"$LOG" 2>&1
timeit dvc add "$DVC" add fmnist
git add fmnist.dvc .gitignore && git commit -qm v1
timeit dvc readd "$DVC" status
change_one_percent fmnist
c0=$(du -sb .dvc/cache | cut -f1)
timeit dvc add1 "$DVC" add fmnist
T[dvc|new1]=$(( $(du -sb .dvc/cache | cut -f1) - c0 ))
git add fmnist.dvc && git commit -qm v2
timeit dvc diff "$DVC" diff HEAD~1 HEAD
rm -rf fmnist
timeit dvc checkout "$DVC" checkout fmnist.dvc
timeit dvc addbig "$DVC" add big
change_one_mib big/big.bin
c0=$(du -sb .dvc/cache | cut -f1)
timeit dvc addbig1 "$DVC" add big
T[dvc|newbig1]=$(( $(du -sb .dvc/cache | cut -f1) - c0 ))
cd "$ROOT" && { chmod -R u+w "$WORK/dvc"; rm -rf "$WORK/dvc"; } || true

# ---- git-annex (git repo; add = hash + move into .git/annex + symlink) ---------------------
if [ "${DATA_BENCH_SKIP_ANNEX:-0}" != 1 ]; then
cp -a "$WORK/src" "$WORK/annex" && sync
cd "$WORK/annex" && git init -q && git config user.email b@e && git config user.name bench && git annex init -q bench >>"$LOG" 2>&1
timeit annex add git annex add fmnist
git commit -qm v1 >>"$LOG" 2>&1
timeit annex readd git annex add fmnist
timeit annex addbig git annex add big
# git may still be packing in the background: a failed clean-up must not lose the table.
cd "$ROOT" && { chmod -R u+w "$WORK/annex"; rm -rf "$WORK/annex"; } || true
fi

# ---- table -----------------------------------------------------------------------------------
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
echo "# dvc $("$DVC" --version), $(git annex version --raw 2>/dev/null || git annex version | head -1)"
echo "# data: $files PNGs ($bytes bytes) + one 1 GiB random file; load before: ${uptime_before##*load average: }, after: $(uptime | sed 's/.*load average: //')"
echo "# times in seconds, wall clock, one command each (Keel: a fresh JVM per command); ratio = other/keel"
python3 - "$(for k in "${!T[@]}"; do echo "$k=${T[$k]}"; done)" <<'PY'
import sys
t = dict(l.split("=", 1) for l in sys.argv[1].splitlines() if l)
rows = [("add", "add 70k PNGs"), ("readd", "re-add unchanged (dvc: status)"), ("add1", "add, 1% files changed"),
        ("new1", "  bytes newly stored"), ("diff", "diff v1 v2"), ("checkout", "checkout 70k files"),
        ("addbig", "add 1 GiB file"), ("addbig1", "add, 1 MiB changed in it"), ("newbig1", "  bytes newly stored")]
def ratio(o, k):
    try:
        return f"{float(o) / float(k):.1f}x" if float(k) > 0 else "-"
    except ValueError:
        return "-"
print(f"{'operation':34} {'keel':>12} {'dvc':>12} {'git-annex':>12} {'dvc/keel':>9} {'annex/keel':>10}")
for key, label in rows:
    k, d, a = (t.get(f"{tool}|{key}", "n/a") for tool in ("keel", "dvc", "annex"))
    print(f"{label:34} {k:>12} {d:>12} {a:>12} {ratio(d, k):>9} {ratio(a, k):>10}")
PY
mv "$LOG" "${DATA_BENCH_LOG:-/tmp/data_compare-commands.log}" 2>/dev/null || true
rm -rf "$WORK" || true
