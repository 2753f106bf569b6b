# Shared by apparel_compare.sh and apparel_lockstep.sh (sourced from the repository root): builds
# the reference project, sets $ex, $cp and a temporary $work, installs PyTorch into
# bench/.venv-torch once, prints the machine line, and defines median and epochs_of.
export OPT_OUT_TRACKING=true
mvn -q -B -o -pl examples/apparel-classifier -am -DskipTests package dependency:build-classpath \
    -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt >&2
ex=examples/apparel-classifier
cp="$PWD/$ex/target/classes:$(cat $ex/target/classpath.txt)"
work=$(mktemp -d)
if [ ! -x bench/.venv-torch/bin/python ]; then
  python3 -m venv bench/.venv-torch
  bench/.venv-torch/bin/pip install -q torch==2.7.1 numpy
fi
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
epochs_of() { grep '^epoch_times_s ' "$1" | cut -d' ' -f2-; }
