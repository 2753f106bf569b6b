#!/usr/bin/env bash
# Checks that /api/v1/openapi.json tells the truth: schemathesis (from a throwaway virtualenv
# bench/.venv-fuzz) runs every check it has against a real `keel server` on 127.0.0.1 with a
# temporary store and a signed-in admin, then once more without an API key. The last line is
# "API_FUZZ distinct_failures=N errors=M"; the exit status is 0 only when both are 0. Settings and
# the few per-operation exceptions (with their reasons) are in bench/api_fuzz.toml. Not part of
# mvn verify.
#   bench/api_fuzz.sh [SECONDS_PER_PASS] [RAW_OUTPUT_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-150}
raw=${2:-}
schemathesis_version=4.32.5
venv=bench/.venv-fuzz
installed=$("$venv/bin/pip" show schemathesis 2>/dev/null | sed -n 's/^Version: //p' || true)
if [ "$installed" != "$schemathesis_version" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$schemathesis_version"
fi
# the server under test is this checkout's (KEEL_FUZZ_NO_BUILD=1 reuses keel-cli/target/keel.jar)
[ -n "${KEEL_FUZZ_NO_BUILD:-}" ] && [ -f keel-cli/target/keel.jar ] \
  || nice -n 5 mvn -q -B -o -pl keel-cli -am package -DskipTests >&2
mkdir -p bench/work
work=$(mktemp -d "$PWD/bench/work/api-fuzz.XXXXXX")
port=$((20000 + RANDOM % 20000))
keel=(java -XX:TieredStopAtLevel=1 -jar keel-cli/target/keel.jar)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # so that the EXIT trap stops the server when the script is stopped
key=$("${keel[@]}" server users add fuzz --admin --home "$work/home" 2>/dev/null | tail -1)
"${keel[@]}" server --db "$work/home" --port "$port" --request-log false > "$work/server.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 120); do
  curl -sf "$base/healthz" > /dev/null 2>&1 && break
  sleep 1
done
curl -sf "$base/healthz" > /dev/null || { cat "$work/server.log" >&2; exit 1; }
# Something to find: a project with a run, so reads by id reach real rows.
curl -sf -X POST -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d '{"id":"seedrun1","name":"seed","config":{"lr":0.1}}' "$base/api/v1/projects/fuzz/runs" > /dev/null || true

export SCHEMATHESIS_TELEMETRY=false
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, schemathesis $schemathesis_version, ${seconds}s per pass"
total=0
errors=0
for pass in signed-in anonymous; do
  auth=()
  [ "$pass" = signed-in ] && auth=(-H "Authorization: Bearer $key")
  out="$work/$pass.txt"
  set +e
  # run from the temporary folder: schemathesis keeps a .schemathesis cache where it runs
  (cd "$work" && "$root/$venv/bin/schemathesis" --config-file "$root/bench/api_fuzz.toml" --no-color \
    run "$base/api/v1/openapi.json" --checks all --max-time "$seconds" --workers 1 --seed 42 "${auth[@]}" \
    --output-sanitize true > "$out" 2>&1)
  set -e
  [ -n "$raw" ] && { echo "=== pass: $pass"; cat "$out"; } >> "$raw"
  # schemathesis's last line counts the distinct failures and the errors (a schema it cannot
  # use, an internal error): "== 3 failures, 1 error, 2 warnings in 150s =="
  n=$(tail -1 "$out" | grep -oE '[0-9]+ failures?' | grep -oE '[0-9]+' || echo 0)
  e=$(tail -1 "$out" | grep -oE '[0-9]+ errors?' | grep -oE '[0-9]+' || echo 0)
  grep -A1 -E '^Test cases:' "$out" | tail -1 | sed "s/^ */$pass: /" || true
  tail -1 "$out" | sed "s/^/$pass: /"
  echo "PASS $pass distinct_failures=$n errors=$e"
  total=$((total + n))
  errors=$((errors + e))
done
echo "API_FUZZ distinct_failures=$total errors=$errors"
[ "$total" -eq 0 ] && [ "$errors" -eq 0 ]
