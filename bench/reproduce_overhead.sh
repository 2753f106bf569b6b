#!/usr/bin/env bash
# The overhead of `keel reproduce` beyond the program itself, for a small program: a temp git
# repository with an uncommitted change, one recorded run of keel-cli's ReproducibleProgram, then
# ROUNDS reproductions (clone --shared + checkout + diff + run + compare). For each round it prints
# the CLI's own split (prepare_ms, program_ms, compare_ms) and the wall time of the whole command
# (JVM start of the CLI included); overhead = wall - program.
#   bench/reproduce_overhead.sh [ROUNDS]     (default 5)
# The class path is the one surefire used for ReproduceCommandTest (run that test first:
#   mvn -B -o -q -pl keel-cli -am test -Dtest=ReproduceCommandTest -Dsurefire.failIfNoSpecifiedTests=false).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
root=$(pwd)
report="$root/keel-cli/target/surefire-reports/TEST-dev.keel.cli.ReproduceCommandTest.xml"
[ -f "$report" ] || { echo "run ReproduceCommandTest first (see the top of this script)" >&2; exit 2; }
cp=$(grep -o 'name="surefire.test.class.path" value="[^"]*"' "$report" | sed 's/.*value="//; s/"$//')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo="$work/repo"; home="$work/home"
mkdir -p "$repo"
git -C "$repo" init -q
echo 1.0 > "$repo/scale.txt"
git -C "$repo" add scale.txt
git -C "$repo" -c user.name=b -c user.email=b@example.com commit -qm first
echo 2.0 > "$repo/scale.txt"   # dirty: the reproduction applies the diff
(cd "$repo" && KEEL_HOME="$home" java -cp "$cp" dev.keel.cli.ReproducibleProgram >/dev/null 2>&1)
id=$(java -cp "$cp" dev.keel.cli.Main runs --home "$home" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
echo "# original run $id; $rounds rounds of keel reproduce"
for i in $(seq 1 "$rounds"); do
  start=$(date +%s%N)
  out=$(java -cp "$cp" dev.keel.cli.Main reproduce "$id" --home "$home" --format json 2>/dev/null || true)
  end=$(date +%s%N)
  echo "$out" | python3 -c "
import json,sys
r=json.load(sys.stdin); wall=($end-$start)//1000000
print(f'RESULT reproduce.round$i verdict={r[\"verdict\"]} prepare_ms={r[\"prepare_ms\"]} program_ms={r[\"program_ms\"]} compare_ms={r[\"compare_ms\"]} wall_ms={wall} overhead_ms={wall-r[\"program_ms\"]}')
phases=r.get('phases_ms') or {}
if phases:
    print('#   phases_ms ' + ' '.join(f'{k}={v}' for k, v in phases.items()))"
done
