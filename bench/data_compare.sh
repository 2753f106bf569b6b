#!/usr/bin/env bash
# Dataset versioning side by side: Keel (through ./keel, as a user runs it: a fresh JVM per
# command with the launcher's class-data archive and flags), DVC and optionally git-annex on the
# same data: Fashion-MNIST as 70,000 PNGs in class folders, and one random 1 GiB file.
# The tools take turns round by round (the first tool rotates), so each sees the same machine;
# every row prints its median, min and max over the rounds and the ratio of medians.
#   bench/data_compare.sh                       5 rounds, Keel and DVC
#   DATA_BENCH_ROUNDS=7 DATA_BENCH_ANNEX=1 bench/data_compare.sh   with git-annex (slow: its add
#                                               of 70,000 files takes minutes a round)
# Env: DATA_BENCH_SRC (a folder holding fmnist/ and big/big.bin from an earlier run, e.g.
# bench/work/checkout/src, instead of exporting again), DATA_BENCH_WORK (default bench/work/data),
# SKIP_BUILD=1 (use keel-cli/target/keel.jar as it is).
# Needs: a JDK, Maven, python3 with venv; installs Debian's dataset-fashion-mnist (and git-annex
# when asked for) with apt-get and DVC with pip into bench/.venv-dvc. Never needed by `mvn verify`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${DATA_BENCH_WORK:-$ROOT/bench/work/data}
ROUNDS=${DATA_BENCH_ROUNDS:-5}
ANNEX=${DATA_BENCH_ANNEX:-0}
LOG=$WORK/commands.log

missing=()
[ -n "${DATA_BENCH_SRC:-}" ] || [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] \
  || missing+=(dataset-fashion-mnist)
[ "$ANNEX" != 1 ] || command -v git-annex >/dev/null 2>&1 || missing+=(git-annex)
if [ ${#missing[@]} -gt 0 ]; then
  echo "# installing ${missing[*]} (apt-get)" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi
if [ ! -x bench/.venv-dvc/bin/dvc ]; then
  echo "# installing DVC into bench/.venv-dvc (pip)" >&2
  python3 -m venv bench/.venv-dvc && bench/.venv-dvc/bin/pip install -q dvc >&2
fi
DVC=$ROOT/bench/.venv-dvc/bin/dvc
export DVC_NO_ANALYTICS=1
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -q -B -pl keel-cli -am package -DskipTests >&2

rm -rf "$WORK" && mkdir -p "$WORK"
: >"$LOG"
SRC=${DATA_BENCH_SRC:-$WORK/src}
if [ ! -d "$SRC/fmnist" ]; then
  echo "# data: exporting Fashion-MNIST as PNGs" >&2
  java keel-data/src/test/java/dev/keel/data/bench/FashionMnistExport.java "$SRC/fmnist" >&2
fi
if [ ! -f "$SRC/big/big.bin" ]; then
  mkdir -p "$SRC/big" && head -c 1073741824 /dev/urandom >"$SRC/big/big.bin"
fi
files=$(find "$SRC/fmnist" -type f | wc -l)
bytes=$(du -sb "$SRC/fmnist" | cut -f1)

K=$ROOT/keel
H=(--home "$WORK/keel-home")
# Untimed: lets the launcher make its class-data archive, as a user's first command does.
"$ROOT/keel" --version >>"$LOG" 2>&1
for _ in 1 2 3 4 5 6 7 8 9 10; do ls "$ROOT"/keel-cli/target/cds/keel-*.jsa >/dev/null 2>&1 && break; sleep 2; done

declare -A T C # "tool|row" -> space-separated wall / CPU seconds, one per round
timeit() { # timeit TOOL ROW CMD...: the wall and CPU (user + sys) time of CMD, output to the log
  local tool=$1 row=$2; shift 2
  echo "## $tool | $row: $*" >>"$LOG"
  local ok=1
  /usr/bin/time -f "%e %U %S" -o "$WORK/.t" "$@" >"$WORK/last.out" 2>>"$LOG" || ok=0
  cat "$WORK/last.out" >>"$LOG"
  if [ $ok = 1 ]; then
    local w u s
    read -r w u s <"$WORK/.t"
    T["$tool|$row"]+="$w "; C["$tool|$row"]+="$(awk "BEGIN{print $u + $s}") "
  else
    T["$tool|$row"]+="failed "; echo "# $tool $row failed: see $LOG" >&2
  fi
}
# Changes 1% of the PNGs (every 100th path, sorted) by appending 16 bytes: the same edit for every tool.
change_one_percent() { (cd "$1" && find . -type f -name '*.png' | LC_ALL=C sort | awk 'NR % 100 == 0' \
  | while read -r f; do printf 'changed-%08d\n' "$RANDOM" >>"$f"; done) }
# Rewrites 1 MiB in the middle of the big file.
change_one_mib() { dd if=/dev/urandom of="$1" bs=1M count=1 seek=512 conv=notrunc status=none; }
new_bytes() { python3 -c 'import json,sys; print(json.load(sys.stdin)["bytes_stored"])'; }
clean() { [ ! -e "$1" ] || { chmod -R u+w "$1"; rm -rf "$1"; }; }
# No timed command follows a deletion (ext4 without a journal; see bench/fs_rounds.sh).
TRASH=$WORK/trash
source bench/fs_rounds.sh
# A fresh working copy per tool and round: every tool starts from the same files, none from
# another's leftovers (caches, state databases, moved files).
fresh_copy() { aside "$1" && mkdir -p "$1" && cp -a "$SRC/fmnist" "$SRC/big" "$1/" && sync; }

round_keel() {
  local w=$WORK/keel
  fresh_copy "$w"; aside "$WORK/keel-home"; aside "$WORK/keel-co"
  timeit keel add "$K" data add fmnist "$w/fmnist" -m v1 "${H[@]}"
  timeit keel readd "$K" data add fmnist "$w/fmnist" -m same "${H[@]}"
  change_one_percent "$w/fmnist"
  timeit keel add1 "$K" data add fmnist "$w/fmnist" -m "1% changed" --format json "${H[@]}"
  T[keel|new1]+="$(new_bytes <"$WORK/last.out" 2>/dev/null || echo '?') "
  timeit keel diff "$K" data diff fmnist:v1 fmnist:v2 --stat "${H[@]}"
  timeit keel checkout "$K" data checkout fmnist:v2 "$WORK/keel-co" "${H[@]}"
  timeit keel addbig "$K" data add big "$w/big" -m v1 "${H[@]}"
  change_one_mib "$w/big/big.bin"
  timeit keel addbig1 "$K" data add big "$w/big" -m "1 MiB changed" --format json "${H[@]}"
  T[keel|newbig1]+="$(new_bytes <"$WORK/last.out" 2>/dev/null || echo '?') "
  aside "$w"; aside "$WORK/keel-home"; aside "$WORK/keel-co"
}

round_dvc() { # a git repository with DVC's local cache, its default cache type, its own state database
  local w=$WORK/dvc c0
  fresh_copy "$w"
  cd "$w" && git init -q && git config user.email b@e && git config user.name bench && "$DVC" init -q
  "$DVC" config core.site_cache_dir "$w/.site" && git add .dvc .dvcignore >>"$LOG" 2>&1 && git commit -qm init >>"$LOG" 2>&1
  timeit dvc add "$DVC" add fmnist
  git add fmnist.dvc .gitignore && git commit -qm v1
  timeit dvc readd "$DVC" add fmnist
  timeit dvc status "$DVC" status
  change_one_percent fmnist
  c0=$(du -sb .dvc/cache | cut -f1)
  timeit dvc add1 "$DVC" add fmnist
  T[dvc|new1]+="$(($(du -sb .dvc/cache | cut -f1) - c0)) "
  git add fmnist.dvc && git commit -qm v2
  timeit dvc diff "$DVC" diff HEAD~1 HEAD
  aside "$w/fmnist"
  timeit dvc checkout "$DVC" checkout fmnist.dvc
  timeit dvc addbig "$DVC" add big
  change_one_mib big/big.bin
  c0=$(du -sb .dvc/cache | cut -f1)
  timeit dvc addbig1 "$DVC" add big
  T[dvc|newbig1]+="$(($(du -sb .dvc/cache | cut -f1) - c0)) "
  cd "$ROOT"; aside "$w"
}

round_annex() { # a git repository; add = hash + move into .git/annex + symlink
  local w=$WORK/annex
  fresh_copy "$w"
  cd "$w" && git init -q && git config user.email b@e && git config user.name bench && git annex init -q bench >>"$LOG" 2>&1
  timeit annex add git annex add fmnist
  git commit -qm v1 >>"$LOG" 2>&1
  timeit annex readd git annex add fmnist
  timeit annex addbig git annex add big
  cd "$ROOT"; aside "$w" || true
}

tools=(keel dvc)
[ "$ANNEX" != 1 ] || tools+=(annex)
uptime_before=$(uptime)
LOADS=""
for r in $(seq 1 "$ROUNDS"); do
  LOADS+="$(cut -d' ' -f1 /proc/loadavg) "
  order=("${tools[@]:$(((r - 1) % ${#tools[@]}))}" "${tools[@]:0:$(((r - 1) % ${#tools[@]}))}")
  echo "# round $r/$ROUNDS (${order[*]}), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  for tool in "${order[@]}"; do "round_$tool"; done
done

echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1), $(df -T "$WORK" | awk 'NR==2{print $2}') $(journal "$WORK")"
echo "# keel $(git rev-parse --short HEAD)$(git diff --quiet || echo +changes) through ./keel; dvc $("$DVC" --version)$([ "$ANNEX" != 1 ] || echo ", git-annex $(git annex version --raw 2>/dev/null)")"
echo "# data: $files PNGs ($bytes bytes) + one 1 GiB random file; $ROUNDS rounds, tools taking turns"
echo "# load before: ${uptime_before##*load average: }, after: $(uptime | sed 's/.*load average: //'); 1-minute load as each round began: $LOADS"
echo "# seconds, wall clock (CPU = user + sys), one command each; ratio = the other tool's median / Keel's"
python3 - "$(for k in "${!T[@]}"; do echo "$k=${T[$k]}"; done)" "$(for k in "${!C[@]}"; do echo "$k=${C[$k]}"; done)" <<'PY'
import statistics, sys
wall = dict(l.split("=", 1) for l in sys.argv[1].splitlines() if l)
cpu = dict(l.split("=", 1) for l in sys.argv[2].splitlines() if l)
rows = [("add", "add 70k PNGs"), ("readd", "re-add unchanged (dvc add)"), ("status", "  dvc status, unchanged"),
        ("add1", "add, 1% of files changed"), ("new1", "  bytes newly stored"), ("diff", "diff v1 v2"),
        ("checkout", "checkout 70k files"), ("addbig", "add 1 GiB file"), ("addbig1", "add, 1 MiB changed in it"),
        ("newbig1", "  bytes newly stored")]
tools = [t for t in ("keel", "dvc", "annex") if any(k.startswith(t + "|") for k in wall)]
def values(table, key):
    return [float(v) for v in table.get(key, "").split() if v not in ("failed", "?")]
def cell(tool, key):
    v = values(wall, f"{tool}|{key}")
    if not v:
        return "-", None
    m = statistics.median(v)
    if key.startswith("new"):
        return f"{int(m):,}", m
    c = values(cpu, f"{tool}|{key}")
    return f"{m:.2f} ({min(v):.2f}-{max(v):.2f}; cpu {statistics.median(c):.2f})", m
print(f"{'operation':28} " + " ".join(f"{t:>34}" for t in tools) + " " + " ".join(f"{t + '/keel':>10}" for t in tools[1:]))
for key, label in rows:
    cells = [cell(t, key) for t in tools]
    if all(m is None for _, m in cells):
        continue
    k = cells[0][1]
    ratios = [f"{m / k:.1f}x" if m is not None and k else "-" for _, m in cells[1:]]
    print(f"{label:28} " + " ".join(f"{s:>34}" for s, _ in cells) + " " + " ".join(f"{r:>10}" for r in ratios))
PY
mv "$LOG" "${DATA_BENCH_LOG:-/tmp/data_compare-commands.log}" 2>/dev/null || true
purge; rm -rf "$WORK" || true
