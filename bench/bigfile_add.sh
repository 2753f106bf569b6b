#!/usr/bin/env bash
# `keel data add` of one 1 GiB file of random bytes (page cache warm) into an empty home, a fresh
# JVM per command, variants interleaved round by round (the order alternates); per row the
# median, min and max of wall and CPU time (user + sys of the whole process: JIT and GC threads
# included), and from -Dkeel.data.trace=true the CPU of each pipeline thread, the own pack's fsync
# and how long the commit still waited for it after the manifest was built (where the version
# has it). On a shared machine CPU is the steadier column.
#   BEFORE_CP=old.jar AFTER_CP=new.jar bench/bigfile_add.sh
#   BEFORE_CP=keel.jar AFTER_CP=patch:keel.jar HINTS=1 BIGFILE_ROUNDS=7 bench/bigfile_add.sh
# HINTS=1 adds a third row: AFTER_CP with the launcher's JIT flags for `data add` (raised
# optimising-compiler thresholds, per-method ones for SHA-256 and the chunker).
# Needs a JDK, GNU time, python3; never needed by `mvn verify`.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${BIGFILE_WORK:-$PWD/bench/work/bigfile}
ROUNDS=${BIGFILE_ROUNDS:-5}
BEFORE_CP=${BEFORE_CP:?classpath of the before jar}
AFTER_CP=${AFTER_CP:?classpath of the after jar}
source bench/keel_jvm.sh
JIT=("${KEEL_ADD_JIT[@]}")
mkdir -p "$WORK/src"
[ -f "$WORK/src/big.bin" ] || head -c 1073741824 /dev/urandom >"$WORK/src/big.bin"
cat "$WORK/src/big.bin" >/dev/null
RAW=$WORK/raw.txt; : >"$RAW"
run() { # row, classpath, extra JVM options...
  local row=$1 cp=$2; shift 2
  rm -rf "$WORK/home"
  /usr/bin/time -f "TIME %e %U %S" java "$@" -Dkeel.data.trace=true -Dai.djl.offline=true -cp "$cp" dev.keel.cli.Main \
    data add big "$WORK/src" -m v1 --home "$WORK/home" >"$WORK/out" 2>"$WORK/err"
  { echo "## $row"; cat "$WORK/out" "$WORK/err"; } >>"$RAW"
  grep '^TIME' "$WORK/err" | sed "s/^TIME/$row/" >>"$WORK/times"
  echo "# $row: $(grep '^TIME' "$WORK/err")" >&2
}
: >"$WORK/times"
for r in $(seq "$ROUNDS"); do
  echo "# round $r/$ROUNDS" >&2
  rows=(before after); [ "${HINTS:-0}" = 1 ] && rows+=(hints)
  [ $((r % 2)) = 0 ] && rows=($(printf '%s\n' "${rows[@]}" | tac))
  for row in "${rows[@]}"; do
    case $row in
      before) run before "$BEFORE_CP" ;;
      after) run after "$AFTER_CP" ;;
      hints) run hints "$AFTER_CP" "${JIT[@]}" ;;
    esac
  done
done
rm -rf "$WORK/home"
python3 - "$WORK/times" "$RAW" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, e, u, s = line.split()
    rows.setdefault(name, []).append((float(e), float(u) + float(s)))
def fmt(v): return f"{statistics.median(v):6.2f} ({min(v):.2f}–{max(v):.2f})"
print(f"{'row':7} {'wall median (min–max)':24} {'cpu median (min–max)':24} cpu per round")
for name, v in rows.items():
    print(f"{name:7} {fmt([x[0] for x in v]):24} {fmt([x[1] for x in v]):24} {' '.join(f'{x[1]:.2f}' for x in v)}")
threads, row = {}, None
for line in open(sys.argv[2]):
    if line.startswith("## "): row = line[3:].strip(); continue
    m = re.search(r"\[trace\]\s+(cpu: .*?|hash\+pack|commit|manifest encode|own packs durable|large: own pack fsync\+rename)\s+([\d.]+) ms(?:\s+\(cpu\s+([\d.]+) ms\))?", line)
    if m:
        wall = m.group(1) in ("own packs durable", "large: own pack fsync+rename")
        val = float(m.group(2) if wall else (m.group(3) or m.group(2)))
        threads.setdefault((row, m.group(1).strip()), []).append(val)
print("\nCPU per phase / pipeline thread (the own pack's fsync and the wait for it: wall), median ms (min–max):")
for (row, what), v in sorted(threads.items()):
    print(f"  {row:7} {what:32} {statistics.median(v):7.0f} ({min(v):.0f}–{max(v):.0f})")
PY
