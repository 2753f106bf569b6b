#!/usr/bin/env bash
# A big blob through a real Keel server and back (issue 5: 1 GiB upload/download >= 200 MB/s on
# loopback, bounded memory): `keel data push` from one Keel folder, `pull` into another.
#   bench/transfer.sh [folder|s3proxy] [MiB]     (default: folder 1024)
# folder: the server keeps blobs in a local folder; s3proxy: in an S3 bucket served by S3Proxy
# (filesystem back end) in the same JVM. Prints RESULT lines for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-folder}
mib=${2:-1024}
mvn -q -B -o -pl bench -am test-compile dependency:build-classpath -DskipTests \
    -Dmdep.outputFile="$PWD/bench/target/transfer-cp.txt" -DincludeScope=test
cp="bench/target/test-classes:bench/target/classes:$(cat bench/target/transfer-cp.txt)"
# the reactor's own modules from their target folders (not installed in ~/.m2)
for m in keel-core keel-testing keel-store-sql keel-data keel-client keel-server keel-blob-s3; do cp="$m/target/classes:$cp"; done
mkdir -p bench/work
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
case "$mode" in
  folder) java -Xmx512m -Dkeel.bench.work=bench/work -cp "$cp" dev.keel.bench.Transfer --mib "$mib" ;;
  s3proxy) java -Xmx512m -Dkeel.bench.work=bench/work -cp "$cp" dev.keel.bench.TransferS3Proxy "$mib" ;;
  *) echo "usage: bench/transfer.sh [folder|s3proxy] [MiB]" >&2; exit 2 ;;
esac
rm -rf bench/work/transfer bench/work/transfer-s3 bench/work/s3proxy
