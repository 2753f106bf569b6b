#!/usr/bin/env bash
# How much creating 70,000 files costs right after as many were deleted, against the same after
# half a minute with no deletion: `cp -r` of a folder of files, per file system given. On ext4
# without a journal the kernel checks every recently freed inode it passes (see bench/fs_rounds.sh).
#   bench/fs_recently_deleted.sh SRC DIR...   SRC: a folder of many small files (e.g. a 70k export)
#   ROUNDS=3 bench/fs_recently_deleted.sh bench/work/checkout/src/fmnist /tmp /mnt/journalled
# Prints wall, user and system seconds per copy. Never needed by `mvn verify`.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${1:?a folder of many small files}
shift
TRASH=/nonexistent
source bench/fs_rounds.sh
wait_s=$(($(cat /proc/sys/vm/dirty_expire_centisecs 2>/dev/null || echo 3000) / 100 + 1))
for base in "$@"; do
  w=$base/fs-recently-deleted.$$
  rm -rf "$w" && mkdir -p "$w" && cp -a "$SRC" "$w/src" && sync
  echo "# $base: $(df -T "$base" | awk 'NR==2{print $2}') $(journal "$base"), $(find "$w/src" -type f | wc -l) files"
  for r in $(seq "${ROUNDS:-2}"); do
    cp -r "$w/src" "$w/a" && sync && sleep "$wait_s"
    /usr/bin/time -f "$base quiet: %e s wall, %U user, %S system" cp -r "$w/src" "$w/b"
    rm -rf "$w/a" "$w/b" && sync
    /usr/bin/time -f "$base right after deleting: %e s wall, %U user, %S system" cp -r "$w/src" "$w/c"
    rm -rf "$w/c" && sync && sleep "$wait_s"
  done
  rm -rf "$w"
done
