#!/usr/bin/env bash
# keel serve's throughput on the reference MLP and CNN: HTTP with dynamic batching and without,
# and with several images per request, against the same DJL predictors called in-process (the
# ceiling); latency at half the batched peak. See ServeThroughput's javadoc for the load generator.
#   bench/serve_throughput.sh [MLP_WEIGHTS] [SECONDS] [ROUNDS] [CLIENTS] [BATCH]
#   defaults: weights/ImageModel_FashionMnistDataset_weights.bin 3 5 16 16
# Environment: SKIP_BUILD=1 reuses the last build (it builds anyway when there is none);
# NETWORKS=mlp,cnn picks the networks; CNN_WEIGHTS=FILE serves trained cnn weights (else the cnn
# has fresh parameters: the same work per image). Raw output goes to
# bench/results/serve-throughput-DATE-TIME.txt.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
ex=examples/apparel-classifier
if [ -z "${SKIP_BUILD:-}" ] || [ ! -s "$ex/target/classpath.txt" ] || [ ! -d "$ex/target/test-classes" ]; then
  nice mvn -q -B -o -pl "$ex" -am -DskipTests test-compile dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test >&2
fi
cd "$ex"
mkdir -p "$root/bench/results"
out="$root/bench/results/serve-throughput-$(date -u +%Y-%m-%d-%H%M).txt"
{
  echo "# bench/serve_throughput.sh $*  ($(date -u +%FT%TZ), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- "$root/keel-serve" "$root/keel-server" "$ex" || echo '+changes'), $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "# NETWORKS=${NETWORKS:-mlp,cnn} CNN_WEIGHTS=${CNN_WEIGHTS:-}"
  OPT_OUT_TRACKING=true java -Dai.djl.offline=true -Djava.awt.headless=true ${JAVA_BENCH_OPTS:-} \
      -cp "target/test-classes:target/classes:$(cat target/classpath.txt)" \
      dev.keel.examples.apparel.serving.ServeThroughput "$@"
} 2>&1 | tee "$out"
echo "raw output: $out" >&2
