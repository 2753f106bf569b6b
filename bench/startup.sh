#!/usr/bin/env bash
# Start-up, old against new, interleaved round by round (same machine, same minute):
#   init     Keel.init in a fresh JVM, main() to init returning (the SDK in the CLI jar), in a
#            home whose store exists (one untimed init per jar makes it)
#   runs     ./keel runs --sort -acc --limit 50 --format json over 10,000 runs, whole command
#   show     ./keel run show ID, whole command
# Rows: "before" is BEFORE_REF's launcher and jar; "new, no CDS" this tree with KEEL_CDS=off;
# "new" this tree as a user gets it (its class-data-sharing archive made once beforehand).
# Each launcher runs from a copy of the repository holding only the script and its jar.
# Prints median, min and max per row (milliseconds, wall clock) and the load average.
#   bench/startup.sh                          # 7 rounds
#   STARTUP_BENCH_ROUNDS=3 STARTUP_BENCH_RUNS=2000 bench/startup.sh
# Env: BEFORE_REF (default 9ebbab4), SKIP_BUILD=1 (reuse the jars in the work folder),
# STARTUP_BENCH_WORK (default bench/work/startup). Needs a JDK and Maven (offline is fine).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${STARTUP_BENCH_WORK:-$ROOT/bench/work/startup}
ROUNDS=${STARTUP_BENCH_ROUNDS:-7}
RUNS=${STARTUP_BENCH_RUNS:-10000}
BEFORE_REF=${BEFORE_REF:-9ebbab4}
LOG=$WORK/commands.log
mkdir -p "$WORK"
: >"$LOG"

# A repository copy with only the launcher and the jar: it never builds, as after `./keel` built once.
launcher_copy() { # launcher_copy DIR SCRIPT JAR
  rm -rf "$1" && mkdir -p "$1/keel-cli/target"
  cp "$2" "$1/keel" && chmod +x "$1/keel"
  cp "$3" "$1/keel-cli/target/keel.jar"
  # PyTorch's native libraries, which the jar's manifest names (builds that keep them out of it)
  if [ -d "$(dirname "$3")/lib" ]; then cp -r "$(dirname "$3")/lib" "$1/keel-cli/target/lib"; fi
  echo '<project/>' >"$1/pom.xml" && touch -d '2000-01-01' "$1/pom.xml"
}

if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$WORK/new/keel-cli/target/keel.jar" ] || [ ! -f "$WORK/before/keel-cli/target/keel.jar" ]; then
  echo "# building keel-cli here and at $BEFORE_REF" >&2
  mvn -q -B -o -pl keel-cli -am package -DskipTests >&2
  launcher_copy "$WORK/new" keel keel-cli/target/keel.jar
  rm -rf "$WORK/before-src" && mkdir -p "$WORK/before-src"
  git archive "$BEFORE_REF" | tar -x -C "$WORK/before-src"
  (cd "$WORK/before-src" && mvn -q -B -o -pl keel-cli -am package -DskipTests >&2)
  launcher_copy "$WORK/before" "$WORK/before-src/keel" "$WORK/before-src/keel-cli/target/keel.jar"
  rm -rf "$WORK/before-src"
fi
# The launcher script is this tree's even when the jars are reused.
cp keel "$WORK/new/keel"
NEW_JAR=$WORK/new/keel-cli/target/keel.jar
BEFORE_JAR=$WORK/before/keel-cli/target/keel.jar
mkdir -p "$WORK/classes"
javac -q -d "$WORK/classes" -cp "$NEW_JAR" bench/src/main/java/dev/keel/bench/StartupInit.java \
  bench/src/main/java/dev/keel/bench/StartupSeed.java 2>/dev/null \
  || javac -d "$WORK/classes" -cp "$NEW_JAR" bench/src/main/java/dev/keel/bench/StartupInit.java \
    bench/src/main/java/dev/keel/bench/StartupSeed.java

HOME_DIR=$WORK/home/.keel
if [ ! -f "$WORK/home/.seeded-$RUNS" ]; then
  echo "# seeding $RUNS runs" >&2
  rm -rf "$WORK/home" && mkdir -p "$WORK/home"
  java -cp "$NEW_JAR:$WORK/classes" dev.keel.bench.StartupSeed "$HOME_DIR" "$RUNS" >>"$LOG" 2>&1
  touch "$WORK/home/.seeded-$RUNS"
fi

# The new launcher's archive, made once as a user's first command after a build makes it.
rm -rf "$WORK/new/keel-cli/target/cds"
KEEL_HOME=$HOME_DIR "$WORK/new/keel" runs --limit 1 >>"$LOG" 2>&1
for _ in $(seq 1 600); do
  # one glob at a time: ls of a .jsa and an unmatched .refused fails, and the loop would wait it out
  compgen -G "$WORK/new/keel-cli/target/cds/keel-*.jsa" >/dev/null \
    || compgen -G "$WORK/new/keel-cli/target/cds/keel-*.refused" >/dev/null && break
  sleep 0.5
done
echo "# archive: $(ls "$WORK/new/keel-cli/target/cds/" | grep -E 'jsa|refused' | tr '\n' ' ')" >&2

declare -A T # row -> space-separated milliseconds
ms_now() { date +%s%N; }
timeit() { # timeit ROW CMD...: wall time of CMD in ms (output to the log)
  local row=$1; shift
  echo "## $row: $*" >>"$LOG"
  local s e
  s=$(ms_now)
  if "$@" >>"$LOG" 2>&1; then
    e=$(ms_now); T[$row]+="$(( (e - s) / 1000000 )) "
  else
    T[$row]+="failed "; echo "# $row failed: see $LOG" >&2
  fi
}
init_ms() { # init_ms ROW JAR: Keel.init's own figure, printed by the child
  local row=$1 out
  if out=$(java -Dai.djl.offline=true -cp "$2:$WORK/classes" dev.keel.bench.StartupInit "$WORK/init-home-$3/.keel" 2>>"$LOG"); then
    T[$row]+="$(printf '%s\n' "$out" | sed -n 's/^INIT_MS \([0-9]*\).*/\1/p') "
    T[${row/init:/init cpu:}]+="$(printf '%s\n' "$out" | sed -n 's/.*CPU_MS \([0-9]*\).*/\1/p') "
  else
    T[$row]+="failed "
  fi
}

# A project's store exists before its runs start (the first run ever also creates the schema):
# one untimed init per jar makes it.
rm -rf "$WORK"/init-home-*
init_ms "init: first ever, before" "$BEFORE_JAR" before
init_ms "init: first ever, new" "$NEW_JAR" new

RUN_ID=b0000001
uptime_before=$(uptime)
for r in $(seq 1 "$ROUNDS"); do
  echo "# round $r/$ROUNDS" >&2
  init_ms "init: before" "$BEFORE_JAR" before
  init_ms "init: new" "$NEW_JAR" new
  export KEEL_HOME=$HOME_DIR
  timeit "runs: before" "$WORK/before/keel" runs --sort -acc --limit 50 --format json
  KEEL_CDS=off timeit "runs: new, no CDS" "$WORK/new/keel" runs --sort -acc --limit 50 --format json
  timeit "runs: new" "$WORK/new/keel" runs --sort -acc --limit 50 --format json
  timeit "show: before" "$WORK/before/keel" run show "$RUN_ID"
  KEEL_CDS=off timeit "show: new, no CDS" "$WORK/new/keel" run show "$RUN_ID"
  timeit "show: new" "$WORK/new/keel" run show "$RUN_ID"
  unset KEEL_HOME
done

echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
echo "# before = $BEFORE_REF; $ROUNDS rounds, interleaved; $RUNS runs in the store"
echo "# load before: ${uptime_before##*load average: }, after: $(uptime | sed 's/.*load average: //')"
echo "# milliseconds, wall clock; init: main() to Keel.init returning in a fresh JVM; runs/show: whole ./keel command"
echo "# init cpu: the main thread's CPU time from the JVM's start to Keel.init returning (the JVM's own start included)"
python3 - "$(for k in "${!T[@]}"; do echo "$k=${T[$k]}"; done)" <<'PY'
import statistics, sys
rows = dict(l.split("=", 1) for l in sys.argv[1].splitlines() if l)
print(f"{'row':22} {'median':>7} {'min':>7} {'max':>7}  rounds")
for name in ["init: first ever, before", "init: first ever, new", "init: before", "init: new",
             "init cpu: before", "init cpu: new", "runs: before", "runs: new, no CDS", "runs: new",
             "show: before", "show: new, no CDS", "show: new"]:
    if name not in rows:
        continue
    vals = [float(v) for v in rows[name].split() if v not in ("failed", "")]
    if not vals:
        print(f"{name:22} failed"); continue
    print(f"{name:22} {statistics.median(vals):7.0f} {min(vals):7.0f} {max(vals):7.0f}  {rows[name].strip()}")
PY
