#!/usr/bin/env bash
# Runs one foreground Apache for a test: `snapshot_server.sh CONF`. It stops Apache (SIGTERM, which also ends its
# worker) when our stdin reaches end of file - the test let go of the pipe, or the test process died - or when we
# get SIGTERM/SIGINT. Exits with Apache's status, so a failed start (port taken, bad config) shows at once, and
# leaves nothing running behind it.
set -u
conf="$1"
/usr/sbin/apache2 -f "$conf" -DFOREGROUND </dev/null &
apache=$!
# Background jobs get /dev/null as stdin; hand the watcher our real stdin through fd 3.
exec 3<&0
cat <&3 >/dev/null &
watcher=$!
exec 3<&-
trap 'kill -TERM "$apache" 2>/dev/null' TERM INT
ended=""
wait -n -p ended "$apache" "$watcher"
status=$?
if [ "${ended:-}" != "$apache" ]; then
  # End of stdin or a signal: stop Apache and wait until it has really gone (a trapped signal interrupts wait).
  kill -TERM "$apache" 2>/dev/null
  while kill -0 "$apache" 2>/dev/null; do
    wait "$apache"
    status=$?
  done
fi
kill "$watcher" 2>/dev/null
wait "$watcher" 2>/dev/null
exit "$status"
