#!/usr/bin/env bash
# Runs one foreground lighttpd for a test: `lighttpd_server.sh CONF`. It stops lighttpd when our stdin reaches end
# of file (the test let go of the pipe, or the test process died) or on SIGTERM/SIGINT, and exits with
# lighttpd's status, so a failed start shows at once and nothing is left running.
set -u
conf="$1"
/usr/sbin/lighttpd -D -f "$conf" </dev/null &
server=$!
exec 3<&0
cat <&3 >/dev/null &
watcher=$!
exec 3<&-
trap 'kill -TERM "$server" 2>/dev/null' TERM INT
ended=""
wait -n -p ended "$server" "$watcher"
status=$?
if [ "${ended:-}" != "$server" ]; then
  kill -TERM "$server" 2>/dev/null
  while kill -0 "$server" 2>/dev/null; do
    wait "$server"
    status=$?
  done
fi
kill "$watcher" 2>/dev/null
wait "$watcher" 2>/dev/null
exit "$status"
