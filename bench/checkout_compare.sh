#!/usr/bin/env bash
# Checkout of Fashion-MNIST (70,000 PNGs) side by side, interleaved round by round, a fresh JVM
# per Keel command:
#   keel copy          the default now: independent files written from the packs
#   keel hardlink      `--link hardlink`, warm cache (cache objects stamped and checked)
#   keel hardlink cold `--link hardlink` after the checkout cache was emptied (first checkout)
#   before hardlink    the jar of BEFORE_REF (hard links were the default), warm cache
#   before cold        the same, cache emptied first (what a first checkout cost before)
#   dvc checkout       `dvc checkout` after removing the folder (DVC's default cache type
#                      reflink,copy: a copy on ext4)
# Prints median, min and max per row over the rounds.
#   bench/checkout_compare.sh                                   # 70,000 files, 5 rounds
#   CHECKOUT_BENCH_FILES=10000 CHECKOUT_BENCH_ROUNDS=3 bench/checkout_compare.sh   # bounded
#
# BENCH_SET=data times instead, in the same interleaved rounds, the three dataset rows of the
# large-file and re-add work (this tree's jar "new" against BEFORE_REF's "before"):
#   add 1 GiB      keel new / before into an empty home, `dvc add` in a fresh repository and
#                  cache, and two floors: `openssl sha256` and `dd oflag=direct conv=fsync`
#                  (writing the bytes once, durably) — plus `cp` through the page cache
#   re-add 70k     `keel data add` of the unchanged folder (new / before), `dvc add` of it
#                  (what a DVC user runs; its state database is warm) and `git add`
#   checkout 70k   the default checkout into a new folder (new / before), `dvc checkout`
#   BENCH_SET=data BEFORE_REF=main bench/checkout_compare.sh
# Env: BEFORE_REF (commit whose keel-cli is "before"; default 1049012, the last commit with
# hard links by default), CHECKOUT_BENCH_ONLY_KEEL=1 (no DVC), SKIP_BUILD=1 (use the jars
# already in the work folder), CHECKOUT_BENCH_WORK (default bench/work/checkout).
# Needs a JDK, Maven (offline is fine), python3 with venv, Debian's dataset-fashion-mnist;
# installs DVC into bench/.venv-dvc. Never needed by `mvn verify`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${CHECKOUT_BENCH_WORK:-$ROOT/bench/work/checkout}
ROUNDS=${CHECKOUT_BENCH_ROUNDS:-5}
FILES=${CHECKOUT_BENCH_FILES:-70000}
BEFORE_REF=${BEFORE_REF:-1049012}
ONLY_KEEL=${CHECKOUT_BENCH_ONLY_KEEL:-0}
SET=${BENCH_SET:-checkout}
LOG=$WORK/commands.log
mkdir -p "$WORK"
: >"$LOG"

if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "# installing dataset-fashion-mnist (apt-get)" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >&2
fi
if [ "$ONLY_KEEL" != 1 ] && [ ! -x bench/.venv-dvc/bin/dvc ]; then
  echo "# installing DVC into bench/.venv-dvc (pip)" >&2
  python3 -m venv bench/.venv-dvc && bench/.venv-dvc/bin/pip install -q dvc >&2
fi
DVC=$ROOT/bench/.venv-dvc/bin/dvc
export DVC_NO_ANALYTICS=1

# Private copies of both jars: a build during the benchmark must not swap them.
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

# The data: the export, cut to the first $FILES paths (sorted) when fewer are asked for.
if [ ! -d "$WORK/src/fmnist" ]; then
  echo "# data: exporting Fashion-MNIST as PNGs" >&2
  java keel-data/src/test/java/dev/keel/data/bench/FashionMnistExport.java "$WORK/export" >&2
  mkdir -p "$WORK/src/fmnist"
  (cd "$WORK/export" && find . -type f | LC_ALL=C sort | head -n "$FILES" | xargs -d "\n" cp --parents -t "$WORK/src/fmnist")
  rm -rf "$WORK/export"
fi
if [ "$SET" = data ] && [ ! -f "$WORK/src/big/big.bin" ]; then
  mkdir -p "$WORK/src/big" && head -c 1073741824 /dev/urandom >"$WORK/src/big/big.bin"
fi
files=$(find "$WORK/src/fmnist" -type f | wc -l)
bytes=$(du -sb "$WORK/src/fmnist" | cut -f1)

# Keel's rows run as ./keel runs them: the launcher's per-command JIT options (KEEL_JIT_HINTS=0
# leaves them out, as the launcher does) and a class-data archive per jar, made as ./keel makes
# it (BENCH_CDS=0 leaves it out; a jar without ClassDataTraining, an old BEFORE_REF, runs without).
source bench/keel_jvm.sh
JIT=()
ADD_JIT=()
if [ "${KEEL_JIT_HINTS:-1}" != 0 ]; then
  JIT=("${KEEL_DATA_JIT[@]}")
  ADD_JIT=("${KEEL_ADD_JIT[@]}")
fi
cds() { [ "${BENCH_CDS:-1}" = 0 ] || keel_cds "$WORK/keel-$1.jar" "$WORK/keel-$1.jsa" "$LOG"; }
CDS_NEW=$(cds new)
CDS_OLD=$(cds before)
# The launcher's flags per command: this tree's `data add` and `data checkout` use ADD_JIT;
# BEFORE_REF's `data add` uses ADD_JIT and its checkout JIT, as its launcher gave them (for a
# BEFORE_REF whose launcher predates the raised thresholds, its `data add` ran with JIT).
NEW="java $CDS_NEW ${ADD_JIT[*]} -Dai.djl.offline=true -jar $WORK/keel-new.jar"
OLD="java $CDS_OLD ${JIT[*]} -Dai.djl.offline=true -jar $WORK/keel-before.jar"
OLD_ADD="java $CDS_OLD ${ADD_JIT[*]} -Dai.djl.offline=true -jar $WORK/keel-before.jar"
# One store per jar (the old jar must not read stamps or caches the new one wrote, and back).
rm -rf "$WORK/home-new" "$WORK/home-old" "$WORK/dvc" "$WORK/co"
$NEW data add fmnist "$WORK/src/fmnist" -m v1 --home "$WORK/home-new" >>"$LOG" 2>&1
$OLD data add fmnist "$WORK/src/fmnist" -m v1 --home "$WORK/home-old" >>"$LOG" 2>&1
if [ "$SET" = data ]; then
  # One unchanged re-add each (untimed), so every timed one finds the stat cache as a user would.
  $NEW data add fmnist "$WORK/src/fmnist" -m same --home "$WORK/home-new" >>"$LOG" 2>&1
  $OLD_ADD data add fmnist "$WORK/src/fmnist" -m same --home "$WORK/home-old" >>"$LOG" 2>&1
else
  # Warm both hard-link caches once (untimed).
  $NEW data checkout fmnist "$WORK/co" --link hardlink --home "$WORK/home-new" >>"$LOG" 2>&1 && rm -rf "$WORK/co"
  $OLD data checkout fmnist "$WORK/co" --home "$WORK/home-old" >>"$LOG" 2>&1 && chmod -R u+w "$WORK/co" && rm -rf "$WORK/co"
fi
if [ "$ONLY_KEEL" != 1 ]; then
  mkdir -p "$WORK/dvc" && cp -a "$WORK/src/fmnist" "$WORK/dvc/"
  (cd "$WORK/dvc" && git init -q && git config user.email b@e && git config user.name bench && "$DVC" init -q \
    && "$DVC" add fmnist >>"$LOG" 2>&1)
fi

declare -A T   # "row" -> space-separated seconds
declare -A C   # "row" -> space-separated CPU seconds (user + sys of CMD and the children it waited for)
timeit() { # timeit ROW CMD...: the wall and CPU time of CMD (its output to the log)
  local row=$1; shift
  echo "## $row: $*" >>"$LOG"
  local s e c0 c1; s=$(date +%s.%N); cpu_now; c0=$CPU_NOW
  if "$@" >>"$LOG" 2>&1; then
    e=$(date +%s.%N); cpu_now; c1=$CPU_NOW
    local w c; w=$(python3 -c "print(f'{$e-$s:.2f}')"); c=$(python3 -c "print(f'{$c1-$c0:.2f}')")
    T[$row]+="$w "; C[$row]+="$c "
    echo "# $row: $w s wall, $c s cpu" >&2   # as it goes, should the run be cut short
  else
    T[$row]+="failed "; echo "# $row failed: see $LOG" >&2
  fi
}
# CPU_NOW := CPU seconds used so far by this shell's finished children (bash's `times`, second
# line); `times` runs in this shell, as in a subshell it would count only the subshell's children.
cpu_now() { times >"$WORK/.times"; CPU_NOW=$(sed -n 2p "$WORK/.times" | sed 's/m/ /g; s/s//g' | awk '{print $1 * 60 + $2 + $3 * 60 + $4}'); }
clean() { [ -e "$1" ] && { chmod -R u+w "$1"; rm -rf "$1"; }; sync; }
# No timed command follows a deletion (ext4 without a journal; see bench/fs_rounds.sh).
TRASH=$WORK/trash
source bench/fs_rounds.sh
dvc_checkout() { (cd "$WORK/dvc" && "$DVC" checkout fmnist.dvc); }

uptime_before=$(uptime)
LOADS=""
if [ "$SET" = data ]; then
  big_new() { rm -rf "$WORK/big-home"; $NEW data add big "$WORK/src/big" -m v1 --home "$WORK/big-home"; }
  big_old() { rm -rf "$WORK/big-home"; $OLD_ADD data add big "$WORK/src/big" -m v1 --home "$WORK/big-home"; }
  big_dvc() { # a fresh repository, cache and state database each time: nothing known beforehand
    rm -rf "$WORK/dvcbig" && mkdir -p "$WORK/dvcbig" && ln "$WORK/src/big/big.bin" "$WORK/dvcbig/big.bin" \
      && cd "$WORK/dvcbig" && git init -q && "$DVC" init -q && "$DVC" config core.site_cache_dir "$WORK/dvcbig/.site" \
      && { s=$(date +%s.%N); cpu_now; c0=$CPU_NOW; "$DVC" add big.bin; rc=$?; e=$(date +%s.%N); cpu_now; c1=$CPU_NOW; cd "$ROOT"
           echo "$s $e $c0 $c1" >"$WORK/dvcbig.t"; return $rc; }
  }
  big_dd() { dd if="$WORK/src/big/big.bin" of="$WORK/dd.out" bs=4M oflag=direct conv=fsync status=none; }
  big_cp() { cp "$WORK/src/big/big.bin" "$WORK/cp.out"; }
  readd_dvc() { (cd "$WORK/dvc" && "$DVC" add fmnist); }
  readd_git() { (cd "$WORK/git" && git add fmnist); }
  if [ "$ONLY_KEEL" != 1 ]; then
    rm -rf "$WORK/git" && mkdir -p "$WORK/git" && cp -a "$WORK/src/fmnist" "$WORK/git/"
    (cd "$WORK/git" && git init -q && git config user.email b@e && git config user.name bench \
      && git add fmnist && git commit -qm v1 >>"$LOG" 2>&1)
  fi
  checkouts() { # each tool's checkout into a new folder, first in the round (before `dvc add` and
    # the others delete files of their own), in an order that turns round by round
    local rows=(new before cp dvc)
    [ "$ONLY_KEEL" != 1 ] || rows=(new before cp)
    [ $((r % 2)) = 1 ] || rows=($(printf '%s\n' "${rows[@]}" | tac))
    for row in "${rows[@]}"; do
      case $row in
        new) aside "$WORK/co"; timeit "checkout 70k: keel new" $NEW data checkout fmnist "$WORK/co" --home "$WORK/home-new" ;;
        before) aside "$WORK/co"; timeit "checkout 70k: keel before" $OLD data checkout fmnist "$WORK/co" --home "$WORK/home-old" ;;
        # the file system's own floor: the same files copied by one cp, no hashing, no packs
        cp) aside "$WORK/co"; timeit "checkout 70k: cp -r (floor)" cp -r "$WORK/src/fmnist" "$WORK/co" ;;
        dvc) aside "$WORK/dvc/fmnist"; timeit "checkout 70k: dvc checkout" dvc_checkout ;;
      esac
    done
  }
  for r in $(seq 1 "$ROUNDS"); do
    echo "# round $r/$ROUNDS, load $(uptime | sed 's/.*load average: //')" >&2
    LOADS+="$(cut -d' ' -f1 /proc/loadavg) "
    checkouts
    timeit "add 1 GiB: keel new" big_new
    timeit "add 1 GiB: keel before" big_old
    rm -rf "$WORK/big-home"
    if [ "$ONLY_KEEL" != 1 ]; then
      # dvc's own time, without creating the repository
      if big_dvc >>"$LOG" 2>&1; then
        read -r s e c0 c1 <"$WORK/dvcbig.t"; T["add 1 GiB: dvc add"]+="$(python3 -c "print(f'{$e-$s:.2f}')") "
        C["add 1 GiB: dvc add"]+="$(python3 -c "print(f'{$c1-$c0:.2f}')") "
        echo "# add 1 GiB: dvc add: ${T["add 1 GiB: dvc add"]} wall, ${C["add 1 GiB: dvc add"]} cpu so far" >&2
      else
        cd "$ROOT"; T["add 1 GiB: dvc add"]+="failed "
      fi
      rm -rf "$WORK/dvcbig"
    fi
    timeit "add 1 GiB: openssl sha256" openssl sha256 "$WORK/src/big/big.bin"
    timeit "add 1 GiB: dd direct+fsync" big_dd; rm -f "$WORK/dd.out"
    timeit "add 1 GiB: cp (page cache)" big_cp; rm -f "$WORK/cp.out"; sync
    # the first re-add after the 1 GiB rows finds the tree's metadata less cached: turn the order
    readd_new() { timeit "re-add 70k: keel new" $NEW data add fmnist "$WORK/src/fmnist" -m same --home "$WORK/home-new"; }
    readd_old() { timeit "re-add 70k: keel before" $OLD_ADD data add fmnist "$WORK/src/fmnist" -m same --home "$WORK/home-old"; }
    if [ $((r % 2)) = 1 ]; then readd_new; readd_old; else readd_old; readd_new; fi
    timeit "re-add 70k: find (stat floor)" find "$WORK/src/fmnist" -type f -printf '%s %T@\n'
    if [ "$ONLY_KEEL" != 1 ]; then
      timeit "re-add 70k: dvc add" readd_dvc
      timeit "re-add 70k: git add" readd_git
    fi
  done
else
for r in $(seq 1 "$ROUNDS"); do
  echo "# round $r/$ROUNDS" >&2
  aside "$WORK/co"; timeit "keel copy (new default)" $NEW data checkout fmnist "$WORK/co" --home "$WORK/home-new"
  aside "$WORK/co"; timeit "before: hardlink, warm cache" $OLD data checkout fmnist "$WORK/co" --home "$WORK/home-old"
  aside "$WORK/co"; timeit "keel --link hardlink, warm" $NEW data checkout fmnist "$WORK/co" --link hardlink --home "$WORK/home-new"
  if [ "$ONLY_KEEL" != 1 ]; then
    aside "$WORK/dvc/fmnist"; timeit "dvc checkout (copy)" dvc_checkout
  fi
  aside "$WORK/co"; aside "$WORK/home-old/cache/data/objects"
  timeit "before: hardlink, cold cache" $OLD data checkout fmnist "$WORK/co" --home "$WORK/home-old"
  aside "$WORK/co"; aside "$WORK/home-new/cache/data/objects"; rm -f "$WORK/home-new/cache/data/objects.stamps"
  timeit "keel --link hardlink, cold" $NEW data checkout fmnist "$WORK/co" --link hardlink --home "$WORK/home-new"
done

fi
purge
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1), $(df -T "$WORK" | awk 'NR==2{print $2}') $(journal "$WORK")"
[ "$ONLY_KEEL" = 1 ] || echo "# dvc $("$DVC" --version)"
echo "# data: $files PNGs ($bytes bytes)$([ "$SET" = data ] && echo " and one 1 GiB random file"); before = keel-cli at $BEFORE_REF; $ROUNDS rounds, interleaved"
echo "# load before: ${uptime_before##*load average: }, after: $(uptime | sed 's/.*load average: //')${LOADS:+; 1-minute load as each round began: $LOADS}"
echo "# JIT hints of the launcher: $([ ${#JIT[@]} -gt 0 ] && echo on || echo off); class-data archive (as ./keel): new $([ -n "$CDS_NEW" ] && echo used || echo not used), before $([ -n "$CDS_OLD" ] && echo used || echo not used)"
echo "# seconds, wall clock, one command each (Keel: a fresh JVM per command); cpu = user + sys of the command"
python3 - "$(for k in "${!T[@]}"; do echo "$k=${T[$k]}"; done)" "$(for k in "${!C[@]}"; do echo "$k=${C[$k]}"; done)" <<'PY'
import statistics, sys
rows = dict(l.split("=", 1) for l in sys.argv[1].splitlines() if l)
cpus = dict(l.split("=", 1) for l in sys.argv[2].splitlines() if l)
order = ["add 1 GiB: keel new", "add 1 GiB: keel before", "add 1 GiB: dvc add", "add 1 GiB: openssl sha256",
         "add 1 GiB: dd direct+fsync", "add 1 GiB: cp (page cache)", "re-add 70k: keel new",
         "re-add 70k: keel before", "re-add 70k: find (stat floor)", "re-add 70k: dvc add", "re-add 70k: git add",
         "checkout 70k: keel new", "checkout 70k: keel before", "checkout 70k: cp -r (floor)", "checkout 70k: dvc checkout",
         "keel copy (new default)", "before: hardlink, warm cache", "before: hardlink, cold cache",
         "keel --link hardlink, warm", "keel --link hardlink, cold", "dvc checkout (copy)"]
base = None
print(f"{'row':32} {'median':>7} {'min':>7} {'max':>7} {'cpu med':>7} {'min':>6} {'max':>6}  rounds (wall)")
for name in order:
    if name not in rows:
        continue
    vals = [float(v) for v in rows[name].split() if v != "failed"]
    if not vals:
        print(f"{name:32} failed"); continue
    med = statistics.median(vals)
    c = [float(v) for v in cpus.get(name, "").split()]
    cs = f"{statistics.median(c):7.2f} {min(c):6.2f} {max(c):6.2f}" if c else f"{'-':>7} {'-':>6} {'-':>6}"
    print(f"{name:32} {med:7.2f} {min(vals):7.2f} {max(vals):7.2f} {cs}  {rows[name].strip()}")

def med(name, table=rows):
    v = [float(x) for x in table.get(name, "").split() if x != "failed"]
    return statistics.median(v) if v else None
targets = [("add 1 GiB: keel new", 2.0, "add of one 1 GiB file <= 2 s", ["add 1 GiB: dvc add", "add 1 GiB: keel before"]),
           ("re-add 70k: keel new", 0.4, "unchanged 70k re-add <= 0.4 s (3x git add)", ["re-add 70k: git add", "re-add 70k: dvc add", "re-add 70k: keel before"]),
           ("checkout 70k: keel new", 3.0, "70k checkout into a new folder <= 3 s (copies)", ["checkout 70k: dvc checkout", "checkout 70k: keel before"])]
print("\ntargets (wall medians; on a loaded machine 'not met' may be the load, the CPU column is steadier):")
for name, goal, what, peers in targets:
    w, c = med(name), med(name, cpus)
    if w is None:
        continue
    verdict = "met" if w <= goal else "not met here"
    vs = ", ".join(f"{p.split(': ')[1]} {med(p):.2f} s wall / {med(p, cpus):.2f} s cpu ({med(p) / w:.1f}x Keel's wall)"
                   for p in peers if med(p) is not None)
    print(f"  {what}: {w:.2f} s wall, {c:.2f} s cpu -> {verdict}; {vs}")
PY
clean "$WORK/co"
