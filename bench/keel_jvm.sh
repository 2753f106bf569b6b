# Sourced by the scripts that time Keel jars directly rather than through ./keel (a jar of another
# commit cannot go through the launcher): the JVM options ./keel gives dataset commands, and its
# class-data archive made the way ./keel makes it. Keep these in step with the launcher.
#   source bench/keel_jvm.sh
#   java "${KEEL_ADD_JIT[@]}" …            `data add`, `data checkout`
#   java "${KEEL_DATA_JIT[@]}" …           `data verify`, `push`, `pull` (and a `data checkout` of a
#                                          jar older than the launcher's raised thresholds for it)
#   opts=$(keel_cds JAR JSA LOG)           "-XX:SharedArchiveFile=JSA -Xshare:auto", or nothing
#                                          where the JVM refuses (or the jar predates the training)
KEEL_ADD_JIT=(-XX:Tier4InvocationThreshold=500000 -XX:Tier4MinInvocationThreshold=60000
  -XX:Tier4CompileThreshold=1500000 -XX:Tier4BackEdgeThreshold=4000000
  -XX:CompileCommand=quiet
  -XX:CompileCommand=CompileThresholdScaling,sun.security.provider.DigestBase::implCompressMultiBlock0,0.0001
  -XX:CompileCommand=CompileThresholdScaling,sun.security.provider.SHA2::implCompress0,0.0001
  -XX:CompileCommand=CompileThresholdScaling,dev.keel.data.internal.Chunker::cut,0.0001)
KEEL_DATA_JIT=(-XX:CompileCommand=quiet
  -XX:CompileCommand=CompileThresholdScaling,sun.security.provider.DigestBase::implCompressMultiBlock0,0.01
  -XX:CompileCommand=CompileThresholdScaling,sun.security.provider.SHA2::implCompress0,0.01
  -XX:CompileCommand=CompileThresholdScaling,dev.keel.data.internal.Chunker::cut,0.01)

keel_cds() { # keel_cds JAR JSA LOG: made once per jar (again when the jar is newer)
  local jar=$1 jsa=$2 log=$3
  if [ ! -s "$jsa" ] || [ "$jsa" -ot "$jar" ]; then
    rm -f "$jsa"
    java -Xint -XX:ArchiveClassesAtExit="$jsa" -Dai.djl.offline=true -cp "$jar" dev.keel.cli.ClassDataTraining \
      >>"$log" 2>&1 || rm -f "$jsa"
  fi
  [ ! -s "$jsa" ] || echo "-XX:SharedArchiveFile=$jsa -Xshare:auto"
}
