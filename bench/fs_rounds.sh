# Sourced by the dataset benchmarks that create and delete tens of thousands of files per round.
#
# ext4 without a journal (this VM's disk) skips, when it allocates an inode, the inodes of the
# group that were freed recently, reading each one's deletion time (the kernel's `recently_deleted`;
# its window is far longer than a benchmark run). A command that creates 70,000 files right after
# as many were deleted pays seconds to minutes of system time for that, whichever tool it is, and
# less the longer ago the deletions were. So no timed command follows a deletion: what is in the
# way is moved aside (a rename; its large files, few inodes, deleted first to spare the disk) and
# `purge` deletes it all when the run is over. Figures on this disk still vary with what the
# machine deleted before; for steady ones put the work folder on a journalled ext4 (most machines
# have one; here a loop mount: mkfs.ext4 on a file, mount -o loop), where the check is skipped.
#   TRASH=$WORK/trash; source bench/fs_rounds.sh
#   aside PATH        move PATH (when it exists) into $TRASH
#   purge             delete $TRASH (when it exists), once no timed command follows
#   journal PATH      "with a journal" or "without a journal" when PATH is on ext4, else nothing

aside() {
  [ -e "$1" ] || return 0
  find "$1" -type f -size +64M -delete 2>/dev/null || true
  mkdir -p "$TRASH" && mv "$1" "$TRASH/$(date +%s%N)"
}

purge() { [ ! -e "$TRASH" ] || { chmod -R u+w "$TRASH" && rm -rf "$TRASH" && sync; }; }

journal() { # the kernel lists the devices it keeps a journal for in /proc/fs/jbd2
  local dev
  [ "$(df -T "$1" | awk 'NR==2{print $2}')" = ext4 ] || return 0
  dev=$(findmnt -no SOURCE --target "$1" 2>/dev/null | sed 's#^/dev/##')
  if ls -d /proc/fs/jbd2/"$dev"-* >/dev/null 2>&1; then echo "with a journal"; else echo "without a journal"; fi
}
