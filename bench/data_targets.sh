#!/usr/bin/env bash
# Issue 19's dataset targets in one run, with the rows that must not get worse, then a summary:
#   1. BENCH_SET=data bench/checkout_compare.sh: one 1 GiB file added, the unchanged 70,000-file
#      re-add and the 70,000-file checkout into a new folder; this tree's jar ("new") against
#      BEFORE_REF's ("before"), `dvc add` / `dvc checkout`, `git add` and the floors (`openssl
#      sha256`, `dd oflag=direct conv=fsync`, `cp`), interleaved round by round, wall and CPU.
#   2. unless INGEST=0: the ingest row before/after (AB_PARTS=ingest bench/ab_compare.sh) and
#      the query rows (bench/run.sh runs-query), which this work must leave as they were.
#   bench/data_targets.sh                        # BEFORE_REF=main, 5 rounds
#   BEFORE_REF=f05a566 ROUNDS=7 INGEST=0 bench/data_targets.sh
# Raw output and the summary: bench/results/data-targets-<UTC>.txt. Run it on a quiet machine
# for wall-clock figures; on a shared one the CPU column is the one to compare.
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE_REF=${BEFORE_REF:-main}
ROUNDS=${ROUNDS:-5}
out=bench/results/data-targets-$(date -u +%Y-%m-%dT%H%MZ).txt
mkdir -p bench/results
{
  echo "# data targets: this tree ($(git rev-parse --short HEAD)$(git diff --quiet || echo +changes)) vs $BEFORE_REF, $ROUNDS rounds"
  echo "# load at start: $(uptime | sed 's/.*load average: //'), $(nproc) cores"
  BENCH_SET=data BEFORE_REF=$BEFORE_REF CHECKOUT_BENCH_ROUNDS=$ROUNDS bench/checkout_compare.sh
  if [ "${INGEST:-1}" != 0 ]; then
    echo
    echo "# ingest, before/after"
    AB_PARTS=ingest bench/ab_compare.sh "$(git rev-parse "$BEFORE_REF")" "$ROUNDS" | tail -n 20
    echo
    echo "# query rows"
    bench/run.sh runs-query
  fi
  echo "# load at the end: $(uptime | sed 's/.*load average: //')"
} 2>&1 | tee "$out"
echo "# raw output and summary: $out"
