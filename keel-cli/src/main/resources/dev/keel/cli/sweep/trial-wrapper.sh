# Runs one trial's program for `keel agent`: sh -c THIS keel-trial GRACE_SECONDS PROGRAM ARGS...
# The agent starts this shell as the leader of a new process group (setsid), so the program and
# everything it starts share one group. The agent holds the only writer of this shell's stdin:
# end of file there means the agent is gone (even SIGKILLed, when the kernel closes its pipes) or
# wants the trial ended; then the group gets SIGTERM, GRACE_SECONDS to end, and SIGKILL.
grace=$1
shift
exec 3<&0
"$@" </dev/null 3<&- &
pid=$!
# Set after the program started, so it keeps the default SIGTERM behaviour.
trap '' TERM
(
  while read -r _; do :; done
  kill -TERM 0
  n=0
  while [ "$n" -lt "$grace" ] && kill -0 "$pid" 2>/dev/null; do
    sleep 1
    n=$((n + 1))
  done
  kill -KILL 0
) <&3 >/dev/null 2>&1 &
watcher=$!
exec 3<&-
wait "$pid"
status=$?
kill -KILL "$watcher" 2>/dev/null
exit "$status"
