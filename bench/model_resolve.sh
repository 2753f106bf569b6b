#!/usr/bin/env bash
# models:/NAME@ALIAS on the server (issue 17 target: <= 20 ms with 1,000 versions): the
# model-resolve harness (ModelResolve) on the embedded SQLite store and on PostgreSQL, each with
# one client and with 4 at once, raw output under bench/results/.
#   bench/model_resolve.sh [VERSIONS [REQUESTS [ROUNDS]]]     (default 1000 2000 5)
set -euo pipefail
cd "$(dirname "$0")/.."
versions=${1:-1000}
requests=${2:-2000}
rounds=${3:-5}
mvn -q -B -o -pl bench -am test-compile dependency:build-classpath -DskipTests \
    -Dmdep.outputFile="$PWD/bench/target/model-resolve-cp.txt" -DincludeScope=test
cp="bench/target/classes:$(cat bench/target/model-resolve-cp.txt)"
# the reactor's own modules from their target folders (not installed in ~/.m2)
for m in keel-core keel-testing keel-store-sql keel-data keel-client keel-server; do cp="$m/target/classes:$cp"; done
mkdir -p bench/work bench/results
out="bench/results/model-resolve-$(date -u +%Y-%m-%dT%H%MZ).txt"
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
  for store in embedded postgres; do
    for clients in 1 4; do
      java -Xmx1g -Dkeel.bench.work=bench/work -cp "$cp" dev.keel.bench.Bench model-resolve --store "$store" \
          --versions "$versions" --requests "$requests" --rounds "$rounds" --clients "$clients"
    done
  done
  echo "# done $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$out"
rm -rf bench/work/model-resolve*
