#!/usr/bin/env bash
# keel serve's throughput on the reference MLP: HTTP with batching and without, against the same
# DJL predictors called in-process (the ceiling), and latency at half the batched peak.
#   bench/serve_throughput.sh [WEIGHTS] [SECONDS] [ROUNDS] [CLIENTS] [BATCH]
# Raw output goes to bench/results/serve-throughput-DATE.txt.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# SKIP_BUILD=1 reuses the classes and class path of the last build
if [ -z "${SKIP_BUILD:-}" ]; then
  nice mvn -q -B -o -pl examples/apparel-classifier -am -DskipTests test-compile dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test >&2
fi
cd examples/apparel-classifier
out="$root/bench/results/serve-throughput-$(date -u +%Y-%m-%d).txt"
{
  echo "# bench/serve_throughput.sh $*  ($(date -u +%FT%TZ), $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  OPT_OUT_TRACKING=true java -Dai.djl.offline=true -Djava.awt.headless=true \
      -cp "target/test-classes:target/classes:$(cat target/classpath.txt)" \
      dev.keel.examples.apparel.serving.ServeThroughput "$@"
} 2>&1 | tee "$out"
