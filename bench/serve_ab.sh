#!/usr/bin/env bash
# Before/after of keel serve's throughput (bench/serve_throughput.sh's measurement) for a change
# to its HTTP path: builds the example's test classes of BASE (a git ref, exported to a folder)
# and of the working tree, then runs one round of ServeThroughput for each, alternating (the
# order flips each round), and prints per-side medians and ranges: images/s, images per server
# CPU-second (and its inverse, server CPU per request at one image a request), the share of the
# in-process rate, and p99 at half load.
#   bench/serve_ab.sh [BASE_REF] [ROUNDS] [SECONDS] [CLIENTS] [BATCH]   (defaults: main 5 3 16 16)
#   NETWORKS=mlp,cnn (default mlp,cnn)
# Raw output: bench/results/serve-ab-<UTC>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BASE_REF=${1:-main}
ROUNDS=${2:-5}
SECONDS_PER=${3:-3}
CLIENTS=${4:-16}
BATCH=${5:-16}
WORK=$ROOT/bench/work/serve-ab
ex=examples/apparel-classifier
out=$ROOT/bench/results/serve-ab-$(date -u +%Y-%m-%dT%H%MZ).txt
mkdir -p "$WORK" "$ROOT/bench/results"

build() { # build TREE: the example's test classes and its class path
  (cd "$1" && nice mvn -q -B -o -pl "$ex" -am -DskipTests test-compile dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test >&2)
}
base=$WORK/base
if [ -z "${SKIP_BUILD:-}" ] || [ ! -s "$base/$ex/target/classpath.txt" ]; then
  rm -rf "$base" && mkdir -p "$base"
  git archive "$BASE_REF" | tar -x -C "$base"
  build "$base"
  build "$ROOT"
fi

run() { # run TREE LABEL ROUND
  (cd "$1/$ex" && NETWORKS=${NETWORKS:-mlp,cnn} OPT_OUT_TRACKING=true java -Dai.djl.offline=true \
      -Djava.awt.headless=true -cp "target/test-classes:target/classes:$(cat target/classpath.txt)" \
      dev.keel.examples.apparel.serving.ServeThroughput weights/ImageModel_FashionMnistDataset_weights.bin \
      "$SECONDS_PER" 1 "$CLIENTS" "$BATCH" 2>&1) | sed "s/^/$2 $3 | /"
}
{
  echo "# bench/serve_ab.sh $*  ($(date -u +%FT%TZ); before: $BASE_REF $(git rev-parse --short "$BASE_REF"); after: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- keel-serve keel-server || echo '+changes'); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg))"
  for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) -eq 1 ]; then
      run "$base" before "$r"; run "$ROOT" after "$r"
    else
      run "$ROOT" after "$r"; run "$base" before "$r"
    fi
  done
} | tee "$out"
python3 - "$out" <<'PY'
import re, sys, statistics as st
rows = {}
net = None
for line in open(sys.argv[1]):
    m = re.match(r'(before|after) (\d+) \| (.*)', line)
    if not m:
        continue
    side, body = m.group(1), m.group(3)
    n = re.match(r'== (\w+):', body)
    if n:
        net = n.group(1)
        continue
    if not body.startswith('round '):
        continue
    load = re.search(r'\(load ([\d.]+)', body).group(1)
    ip = float(re.search(r'in-process batch \d+ (\d+)', body).group(1))
    def loop(tag):
        x = re.search(tag + r' (\d+) \[(\d+) \| (\d+)\] \(([\d.]+) %', body)
        return [float(v) for v in x.groups()]
    b = loop('batching')
    nb = loop('no batching')
    j = loop(r'HTTP \d+ images/request')
    p99 = float(re.search(r'p99 ([\d.]+) ms', body).group(1))
    key = (net, side)
    r = rows.setdefault(key, {k: [] for k in ['load', 'in_process', 'b_per_s', 'b_per_server_cpu_s',
        'b_server_us_per_req', 'b_share', 'nb_per_s', 'nb_share', 'j_per_s', 'j_share', 'p99']})
    r['load'].append(float(load)); r['in_process'].append(ip)
    r['b_per_s'].append(b[0]); r['b_per_server_cpu_s'].append(b[2]); r['b_server_us_per_req'].append(1e6 / b[2])
    r['b_share'].append(b[3]); r['nb_per_s'].append(nb[0]); r['nb_share'].append(nb[3])
    r['j_per_s'].append(j[0]); r['j_share'].append(j[3]); r['p99'].append(p99)
    mb = re.search(r'mean batch \(1 image/request, batching\) ([\d.]+)', body)
    if mb:
        r.setdefault('b_mean_batch', []).append(float(mb.group(1)))
print('medians (min .. max) per side; b = HTTP 1 image/request with batching, nb = without, j = JSON batch/request;'
      ' shares are of the same round\'s in-process batch rate')
for (net, side), r in sorted(rows.items()):
    print(f'{net} {side} ({len(r["load"])} rounds):')
    for k, v in r.items():
        print(f'  {k:22s} {st.median(v):10.1f}  ({min(v):.1f} .. {max(v):.1f})')
PY
echo "raw output: $out" >&2
