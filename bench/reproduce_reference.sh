#!/usr/bin/env bash
# `keel reproduce` of the reference project's training (examples/apparel-classifier, DJL on
# PyTorch): one recorded run started as `./run train` starts it, from this repository's working
# tree into a fresh Keel home (its first run registers fashion-mnist:v1), then ROUNDS
# reproductions. For each round: the verdict, the CLI's own split (prepare_ms: clone, checkout,
# diff, the build-output check or the build; program_ms: the training, the dataset version's
# materialisation included; compare_ms), each phase of the CLI's own (phases_ms: cli_start, plan,
# worktree, diff_apply, build_check, build, dependency_check, program (program_start: its JVM's
# start up to Keel.init, within it), cleanup, open_store, compare, environment, verdict_store;
# exit_and_output: the wall time no phase covers) and the wall time of the whole command (the CLI's JVM
# start included); overhead = wall - program. With REBUILD=1 one more round builds the clone
# with Maven (--rebuild --build), the cost the build-output reuse saves.
#   bench/reproduce_reference.sh [ROUNDS] [KEY=VALUE...]   (default 5 rounds; mlp epochs=1 train_limit=6000)
# Needs the modules built offline first (the script does it: mvn -o compile of keel-cli and
# the example, no tests) and a clean working tree (uncommitted changes are applied as the
# run's diff, and untracked files next to sources turn the reuse off).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rounds=${1:-5}
shift || true
train=("$@")
[ ${#train[@]} -gt 0 ] || train=(epochs=1 train_limit=6000 log_every=20)

nice mvn -o -q -B -pl keel-cli,examples/apparel-classifier -am -DskipTests compile dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt >&2
cli_cp="$root/keel-cli/target/classes:$(cat keel-cli/target/classpath.txt)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
home="$work/home"

cd examples/apparel-classifier
start=$(date +%s%N)
KEEL_HOME="$home" OPT_OUT_TRACKING=true java -Dai.djl.offline=true -Djava.awt.headless=true \
    -cp "target/classes:$(cat target/classpath.txt)" dev.keel.examples.apparel.training.RunExperiment mlp \
    "${train[@]}" >"$work/train.log" 2>&1 || { tail -20 "$work/train.log" >&2; exit 1; }
end=$(date +%s%N)
cd "$root"
keel() { java -cp "$cli_cp" dev.keel.cli.Main "$@"; }
# keel reproduce with the JVM options ./keel gives it (but no class-data-sharing archive: that
# needs the CLI's jar, and this class path is build folders)
keel_reproduce() { java -XX:TieredStopAtLevel=1 -cp "$cli_cp" dev.keel.cli.Main reproduce "$@"; }
id=$(keel runs --home "$home" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
echo "# reference run $id: RunExperiment mlp ${train[*]} ($(( (end - start) / 1000000 )) ms with registering fashion-mnist:v1); $rounds rounds of keel reproduce"
echo "# commit $(git rev-parse --short HEAD), tree $( [ -z "$(git status --porcelain)" ] && echo clean || echo dirty)"

round() {
  local name=$1; shift
  local s e out
  s=$(date +%s%N)
  out=$(keel_reproduce "$id" --home "$home" --format json "$@" 2>"$work/err.txt" || true)
  e=$(date +%s%N)
  echo "$out" | python3 -c "
import json,sys
try:
    r=json.load(sys.stdin)
except Exception:
    print('RESULT reproduce.$name failed'); sys.exit(0)
wall=($e-$s)//1000000
print(f'RESULT reproduce.$name verdict={r[\"verdict\"]} prepare_ms={r[\"prepare_ms\"]} program_ms={r[\"program_ms\"]} compare_ms={r[\"compare_ms\"]} wall_ms={wall} overhead_ms={wall-r[\"program_ms\"]} load={open(\"/proc/loadavg\").read().split()[0]}')
phases=r.get('phases_ms') or {}
if phases:
    print('#   phases_ms ' + ' '.join(f'{k}={v}' for k, v in phases.items()) + f' exit_and_output={wall-sum(v for k, v in phases.items() if k != \"program_start\")}')"
  grep -E '^keel: (reusing|building|warning)' "$work/err.txt" | sed 's/^/#   /' || true
}
for i in $(seq 1 "$rounds"); do
  round "round$i"
done
if [ "${REBUILD:-0}" = 1 ]; then
  round rebuild --rebuild --build 'mvn -o -q -B -pl examples/apparel-classifier -am -DskipTests compile'
fi
