#!/usr/bin/env bash
# Stops the private test Dovecot started by start.sh, and its OAuth2 introspection relay, by their pid files.
# Does nothing for what is not running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if relay_running; then
  relay="$(cat "$RELAY_PIDFILE")"
  kill "$relay"
  rm -f "$RELAY_PIDFILE"
  echo "OAuth2 introspection relay stopped (pid $relay)"
fi

if ! dovecot_running; then
  echo "test Dovecot is not running ($RUN)"
  exit 0
fi

pid="$(cat "$PIDFILE")"
kill "$pid"
for _ in $(seq 1 100); do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$PIDFILE"
    echo "test Dovecot stopped (pid $pid)"
    exit 0
  fi
  sleep 0.1
done
echo "test Dovecot (pid $pid) did not stop within 10 s" >&2
exit 1
