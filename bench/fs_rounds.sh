# Sourced by the dataset benchmarks that create and delete tens of thousands of files per round.
#
# ext4 without a journal (this VM's disk) skips, when it allocates an inode, every inode of the
# group freed within the last vm.dirty_expire_centisecs, reading each one: a command that creates
# 70,000 files right after as many were deleted pays seconds to minutes of system time for that,
# whichever tool it is. So no timed command may follow a deletion: what is in the way is moved
# aside (a rename), and `purge`, called between rounds, deletes it and waits that interval out.
#   TRASH=$WORK/trash; source bench/fs_rounds.sh
#   aside PATH        move PATH (when it exists) into $TRASH
#   purge             delete $TRASH (when it exists), then wait out the interval (other commands,
#                     such as `dvc add` relinking its files, delete files too)
#   journal PATH      "with a journal" or "without a journal" when PATH is on ext4, else nothing
# On ext4 with a journal (most machines) the check is skipped; to measure there on this VM, put
# the work folder on a journalled ext4 loop mount (mkfs.ext4 on a file, mount -o loop).

aside() { [ ! -e "$1" ] || { mkdir -p "$TRASH" && mv "$1" "$TRASH/$(date +%s%N)"; }; }

purge() {
  [ ! -e "$TRASH" ] || { chmod -R u+w "$TRASH" && rm -rf "$TRASH" && sync; }
  sleep $(($(cat /proc/sys/vm/dirty_expire_centisecs 2>/dev/null || echo 3000) / 100 + 1))
}

journal() { # the kernel lists the devices it keeps a journal for in /proc/fs/jbd2
  local dev
  [ "$(df -T "$1" | awk 'NR==2{print $2}')" = ext4 ] || return 0
  dev=$(findmnt -no SOURCE --target "$1" 2>/dev/null | sed 's#^/dev/##')
  if ls -d /proc/fs/jbd2/"$dev"-* >/dev/null 2>&1; then echo "with a journal"; else echo "without a journal"; fi
}
