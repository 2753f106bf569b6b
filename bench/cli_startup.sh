#!/usr/bin/env bash
# Whole `keel` commands in fresh JVMs, old against new, interleaved round by round, each through
# its own launcher (class-data-sharing archive made beforehand, as a user's first command after a
# build makes it): wall time and CPU time (user + system, /usr/bin/time), which other processes on
# a shared machine inflate much less than the wall time.
#   version  keel --version
#   runs     keel runs --sort -acc --limit 50 --format json over STARTUP_BENCH_RUNS runs
#   show     keel run show ID
#   init     a training program's Keel.init in a fresh JVM (bench/src/.../StartupInit.java against
#            the side's jar, in a home whose store exists): main() → init returning as the
#            program measures it ("init ms"), and the whole JVM's wall and CPU time
#   repro    keel repro with nothing stale, in a copy of REPRO_PROJECT (a project whose flow ran
#            through once: keel.lock, .keel, outputs), in a copy per side
#   bench/cli_startup.sh BEFORE_DIR NEW_DIR [ROUNDS]
# BEFORE_DIR and NEW_DIR are repository copies made by bench/startup.sh's launcher_copy (the
# launcher, keel-cli/target/keel.jar and, where the build makes it, keel-cli/target/lib).
# Env: STARTUP_BENCH_WORK (default bench/work/startup, whose seeded home bench/startup.sh made),
# REPRO_PROJECT (default examples/apparel-classifier).
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=$1
NEW=$2
ROUNDS=${3:-5}
WORK=${STARTUP_BENCH_WORK:-$PWD/bench/work/startup}
PROJECT=${REPRO_PROJECT:-examples/apparel-classifier}
HOME_DIR=$WORK/home/.keel
RUN_ID=b0000001
[ -f "$HOME_DIR/keel.db" ] || { echo "seed the home first (bench/startup.sh)" >&2; exit 2; }
[ -f "$PROJECT/keel.lock" ] || { echo "run the flow once first: (cd $PROJECT && ../../keel repro)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for side in before new; do
  rm -rf "$WORK/repro-$side" && cp -a "$PROJECT" "$WORK/repro-$side"
done
dir_of() { if [ "$1" = before ]; then echo "$BEFORE"; else echo "$NEW"; fi; }

# One untimed command per side makes the archive (in the background, as the launcher does) and
# the repro's hash cache; wait for the archive.
for side in before new; do
  d=$(dir_of $side)
  KEEL_HOME=$HOME_DIR "$d/keel" runs --limit 1 >/dev/null 2>&1 || true
  for _ in $(seq 1 600); do
    compgen -G "$d/keel-cli/target/cds/keel-*.jsa" >/dev/null || compgen -G "$d/keel-cli/target/cds/keel-*.refused" >/dev/null && break
    sleep 0.5
  done
  (cd "$WORK/repro-$side" && "$d/keel" repro >/dev/null 2>&1) || true
  echo "# $side archive: $(ls "$d/keel-cli/target/cds/" 2>/dev/null | grep -E 'jsa|refused' | tr '\n' ' ')" >&2
done
sleep 3 # the repro cache trusts files hashed well after their last change
mkdir -p "$WORK/classes"
javac -d "$WORK/classes" -cp "$NEW/keel-cli/target/keel.jar" bench/src/main/java/dev/keel/bench/StartupInit.java
for side in before new; do
  rm -rf "$WORK/init-home-$side"
  java -Dai.djl.offline=true -cp "$(dir_of $side)/keel-cli/target/keel.jar:$WORK/classes" dev.keel.bench.StartupInit \
    "$WORK/init-home-$side/.keel" >/dev/null 2>&1
done

declare -A WALL CPU INIT
one() { # one ROW SIDE CMD...
  local row=$1 side=$2; shift 2
  local s e
  s=$(date +%s%N)
  if /usr/bin/time -o "$tmp/cpu" -f "%U %S" "$@" >"$tmp/out" 2>&1; then
    e=$(date +%s%N)
    WALL["$row: $side"]+="$(( (e - s) / 1000000 )) "
    CPU["$row: $side"]+="$(awk '{printf "%d", ($1 + $2) * 1000}' "$tmp/cpu") "
  else
    WALL["$row: $side"]+="failed "; CPU["$row: $side"]+="failed "
    echo "# $row $side failed:" >&2; tail -5 "$tmp/out" >&2
  fi
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 1 "$ROUNDS"); do
  echo "# round $r/$ROUNDS, load $(cut -d' ' -f1 /proc/loadavg)" >&2
  for side in before new; do
    d=$(dir_of $side)
    one version $side "$d/keel" --version
    one init $side java -Dai.djl.offline=true -cp "$d/keel-cli/target/keel.jar:$WORK/classes" dev.keel.bench.StartupInit \
      "$WORK/init-home-$side/.keel"
    INIT["$side"]+="$(sed -n 's/^INIT_MS \([0-9]*\).*/\1/p' "$tmp/out") "
    KEEL_HOME=$HOME_DIR one runs $side "$d/keel" runs --sort -acc --limit 50 --format json
    KEEL_HOME=$HOME_DIR one show $side "$d/keel" run show "$RUN_ID"
    (cd "$WORK/repro-$side" && one repro $side "$d/keel" repro
      grep -q "up to date:" "$tmp/out" || { echo "# repro $side: something was stale" >&2; cat "$tmp/out" >&2; }
      declare -p WALL CPU INIT >"$tmp/state")
    source "$tmp/state"
  done
done

echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(java -version 2>&1 | head -1); $ROUNDS rounds interleaved"
echo "# load before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# milliseconds: wall clock and CPU (user + system) of the whole command, median (min–max)"
python3 - "$(for k in "${!WALL[@]}"; do echo "$k=${WALL[$k]}|${CPU[$k]}"; done; for k in "${!INIT[@]}"; do echo "init ms: $k=${INIT[$k]}|${INIT[$k]}"; done)" <<'PY'
import statistics, sys
rows = dict(l.split("=", 1) for l in sys.argv[1].splitlines() if l)
def fmt(s):
    v = [float(x) for x in s.split() if x not in ("failed", "")]
    return f"{statistics.median(v):6.0f} ({min(v):.0f}–{max(v):.0f})" if v else "failed"
print(f"{'row':16} {'wall':>18} {'cpu':>18}")
for cmd in ["version", "init", "init ms", "runs", "show", "repro"]:
    for side in ["before", "new"]:
        k = f"{cmd}: {side}"
        if k in rows:
            w, c = rows[k].split("|")
            print(f"{k:16} {fmt(w):>18} {fmt(c):>18}   wall: {w.strip()}")
PY
