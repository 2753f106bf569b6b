#!/usr/bin/env bash
# Unchanged re-add of a large folder, two Keel jars interleaved round by round, with `find` and
# `git add` of the same folder as floors. Each jar runs as ./keel runs `data add`: its own
# class-data archive (made here with dev.keel.cli.ClassDataTraining) and the launcher's JIT flags.
#   bench/readd_70k_ab.sh BEFORE.jar AFTER.jar FOLDER [ROUNDS] [WORKDIR]
# Prints, per row, the median and min-max of wall and user+sys CPU seconds, and the load.
set -euo pipefail
before=$(realpath "$1") after=$(realpath "$2") src=$(realpath "$3") rounds=${4:-7} work=${5:-/tmp/readd-ab}
mkdir -p "$work"
source "$(dirname "$0")/keel_jvm.sh"
jit=("${KEEL_ADD_JIT[@]}")
declare -A cds_opts
for side in before after; do
  jar=${!side}
  cp "$jar" "$work/keel-$side.jar"
  rm -f "$work/keel-$side.jsa"
  cds_opts[$side]=$(keel_cds "$work/keel-$side.jar" "$work/keel-$side.jsa" "$work/cds-$side.log")
  rm -rf "$work/home-$side"
  java -jar "$work/keel-$side.jar" data add ds "$src" -m v1 --home "$work/home-$side" >/dev/null
  java -jar "$work/keel-$side.jar" data add ds "$src" -m same --home "$work/home-$side" >/dev/null
done
rm -rf "$work/git"
git --git-dir="$work/git" --work-tree="$src" init -q
git --git-dir="$work/git" --work-tree="$src" add -A .
for side in before after; do
  printf '#!/bin/sh\nexec java %s %s -Dai.djl.offline=true -jar %s data add ds %s -m same --home %s\n' \
    "${cds_opts[$side]}" "${jit[*]}" "$work/keel-$side.jar" "$src" "$work/home-$side" >"$work/run-$side.sh"
  chmod +x "$work/run-$side.sh"
done
times=$work/times.txt
: >"$times"
for r in $(seq 1 "$rounds"); do
  for row in before after find git; do
    case $row in
      before | after) cmd=("$work/run-$row.sh") ;;
      find) cmd=(find "$src" -printf '%s %T@\n') ;;
      git) cmd=(git --git-dir="$work/git" --work-tree="$src" add -A .) ;;
    esac
    /usr/bin/time -f "$row %e %U %S" -a -o "$times" "${cmd[@]}" >/dev/null
  done
  echo "round $r load $(cut -d' ' -f1-3 /proc/loadavg)"
done
cat "$times"
python3 - "$times" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) == 4:
        rows.setdefault(p[0], []).append((float(p[1]), float(p[2]) + float(p[3])))
for k, v in rows.items():
    w = [x[0] for x in v]; c = [x[1] for x in v]
    print(f"{k:8} wall med {statistics.median(w):.2f} ({min(w):.2f}-{max(w):.2f})  "
          f"cpu med {statistics.median(c):.2f} ({min(c):.2f}-{max(c):.2f})  n={len(v)}")
PY
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
