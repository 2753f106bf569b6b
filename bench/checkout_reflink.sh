#!/usr/bin/env bash
# The default checkout (`--link copy`) with copy-on-write clones against plain copies, on
# file systems that clone (btrfs, XFS: each in a sparse loop file, mounted here; needs root) and
# on one that does not (ext4, where the work folder is), interleaved round by round, a fresh
# JVM per command. Rows per file system:
#   before, first / again   the jar of BEFORE_REF (copies written from the packs, no clones)
#   new, first              this tree, the checkout cache emptied first: files written from the
#                           packs, then cloned into the cache
#   new, again (warm)       this tree into a fresh folder, cache warm: every file a clone
# Data: Fashion-MNIST as 70,000 PNGs; the Keel home, the data and the checkouts share the mount.
# Prints median, min and max per row, and the space a warm checkout took on each file system.
#   bench/checkout_reflink.sh                                   # 70,000 files, 5 rounds
#   CHECKOUT_BENCH_FILES=5000 CHECKOUT_BENCH_ROUNDS=2 bench/checkout_reflink.sh   # bounded
# CHECKOUT_BENCH_SRC=DIR checks out DIR instead (e.g. a few large files, where clones pay).
# Env: BEFORE_REF (default b5cfec4, the commit before clones), REFLINK_BENCH_FS (default
# "btrfs xfs ext4"), SKIP_BUILD=1 (reuse the jars in the work folder), CHECKOUT_BENCH_WORK
# (default bench/work/reflink). Needs a JDK, Maven (offline is fine), btrfs-progs and xfsprogs,
# Debian's dataset-fashion-mnist. Never needed by `mvn verify`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${CHECKOUT_BENCH_WORK:-$ROOT/bench/work/reflink}
ROUNDS=${CHECKOUT_BENCH_ROUNDS:-5}
FILES=${CHECKOUT_BENCH_FILES:-70000}
BEFORE_REF=${BEFORE_REF:-b5cfec4}
FSES=${REFLINK_BENCH_FS:-btrfs xfs ext4}
LOG=$WORK/commands.log
mkdir -p "$WORK"
: >"$LOG"

if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$WORK/keel-new.jar" ] || [ ! -f "$WORK/keel-before.jar" ]; then
  echo "# building keel-cli here and at $BEFORE_REF" >&2
  mvn -q -B -o -pl keel-cli -am package -DskipTests >&2
  cp keel-cli/target/keel.jar "$WORK/keel-new.jar"
  rm -rf "$WORK/before-src" && mkdir -p "$WORK/before-src"
  git archive "$BEFORE_REF" | tar -x -C "$WORK/before-src"
  (cd "$WORK/before-src" && mvn -q -B -o -pl keel-cli -am package -DskipTests >&2)
  cp "$WORK/before-src/keel-cli/target/keel.jar" "$WORK/keel-before.jar"
  rm -rf "$WORK/before-src"
fi
if [ -n "${CHECKOUT_BENCH_SRC:-}" ]; then
  rm -rf "$WORK/src" && mkdir -p "$WORK/src" && cp -a "$CHECKOUT_BENCH_SRC" "$WORK/src/fmnist"
elif [ ! -d "$WORK/src/fmnist" ]; then
  echo "# data: exporting Fashion-MNIST as PNGs" >&2
  java keel-data/src/test/java/dev/keel/data/bench/FashionMnistExport.java "$WORK/export" >&2
  mkdir -p "$WORK/src/fmnist"
  # Through a file: under pipefail, head closing the pipe early would fail sort.
  (cd "$WORK/export" && find . -type f | LC_ALL=C sort >"$WORK/files.txt" \
    && head -n "$FILES" "$WORK/files.txt" | xargs -d "\n" cp --parents -t "$WORK/src/fmnist")
  rm -rf "$WORK/export"
fi
files=$(find "$WORK/src/fmnist" -type f | wc -l)
bytes=$(du -sb "$WORK/src/fmnist" | cut -f1)

NEW="java -Dai.djl.offline=true -jar $WORK/keel-new.jar"
OLD="java -Dai.djl.offline=true -jar $WORK/keel-before.jar"
MOUNTS=()
cleanup() { for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null || umount -l "$m"; done; }
trap cleanup EXIT

# A work folder per file system: a fresh loop mount for btrfs and XFS, the work folder itself for ext4.
declare -A DIR
for fs in $FSES; do
  if [ "$fs" = ext4 ]; then
    DIR[$fs]=$WORK/on-ext4; rm -rf "${DIR[$fs]}"; mkdir -p "${DIR[$fs]}"
  else
    DIR[$fs]=$WORK/mnt-$fs; mkdir -p "${DIR[$fs]}"
    umount "${DIR[$fs]}" 2>/dev/null || true
    rm -f "$WORK/$fs.img" && truncate -s 4G "$WORK/$fs.img"
    "mkfs.$fs" -q "$WORK/$fs.img" >>"$LOG" 2>&1
    mount -o loop "$WORK/$fs.img" "${DIR[$fs]}"; MOUNTS+=("${DIR[$fs]}")
  fi
  d=${DIR[$fs]}
  cp -a "$WORK/src/fmnist" "$d/fmnist"
  $NEW data add fmnist "$d/fmnist" -m v1 --home "$d/home-new" >>"$LOG" 2>&1
  $OLD data add fmnist "$d/fmnist" -m v1 --home "$d/home-old" >>"$LOG" 2>&1
done

declare -A T   # "row" -> space-separated seconds
timeit() { # timeit ROW CMD...: the wall time of CMD (its output to the log)
  local row=$1; shift
  echo "## $row: $*" >>"$LOG"
  local s e; s=$(date +%s.%N)
  if "$@" >>"$LOG" 2>&1; then
    e=$(date +%s.%N); local t; t=$(python3 -c "print(f'{$e-$s:.2f}')"); T[$row]+="$t "
    echo "#   $row: $t s" >&2   # as it goes: a run cut short still shows its rounds
  else
    T[$row]+="failed "; echo "# $row failed: see $LOG" >&2
  fi
}
clean() { [ -e "$1" ] && { chmod -R u+w "$1"; rm -rf "$1"; }; sync; }
used() { sync; df --output=used -B1 "$1" | tail -1 | tr -d ' '; }
declare -A SPACE

uptime_before=$(uptime)
for r in $(seq 1 "$ROUNDS"); do
  echo "# round $r/$ROUNDS" >&2
  for fs in $FSES; do
    d=${DIR[$fs]}
    clean "$d/co"; timeit "$fs: before, first" $OLD data checkout fmnist "$d/co" --home "$d/home-old"
    clean "$d/co"; timeit "$fs: before, again" $OLD data checkout fmnist "$d/co" --home "$d/home-old"
    clean "$d/co"; clean "$d/home-new/cache/data/objects"; rm -f "$d/home-new/cache/data/objects.stamps"
    timeit "$fs: new, first" $NEW data checkout fmnist "$d/co" --home "$d/home-new"
    clean "$d/co2"; u=$(used "$d")
    timeit "$fs: new, again (warm)" $NEW data checkout fmnist "$d/co2" --home "$d/home-new"
    SPACE[$fs]="$(( $(used "$d") - u ))"
    clean "$d/co2"
  done
done

echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1), kernel $(uname -r)"
echo "# data: $files files ($bytes bytes); before = keel-cli at $BEFORE_REF; $ROUNDS rounds, interleaved"
echo "# load before: ${uptime_before##*load average: }, after: $(uptime | sed 's/.*load average: //')"
for fs in $FSES; do
  echo "# $fs: a warm checkout (new) took $(( ${SPACE[$fs]} / 1024 )) KiB of disk (data: $(( bytes / 1024 )) KiB); last one: $(grep -A1 "## $fs: new, again" "$LOG" | tail -1)"
done
echo "# seconds, wall clock, one command each (a fresh JVM per command)"
python3 - "$FSES" "$(for k in "${!T[@]}"; do echo "$k=${T[$k]}"; done)" <<'PY'
import statistics, sys
fses = sys.argv[1].split()
rows = dict(l.split("=", 1) for l in sys.argv[2].splitlines() if l)
print(f"{'checkout':28} {'median':>7} {'min':>7} {'max':>7}  rounds")
for fs in fses:
    for what in ["before, first", "new, first", "before, again", "new, again (warm)"]:
        name = f"{fs}: {what}"
        if name not in rows:
            continue
        vals = [float(v) for v in rows[name].split() if v != "failed"]
        if not vals:
            print(f"{name:28} failed"); continue
        print(f"{name:28} {statistics.median(vals):7.2f} {min(vals):7.2f} {max(vals):7.2f}  {rows[name].strip()}")
PY
