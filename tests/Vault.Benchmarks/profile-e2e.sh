#!/usr/bin/env bash
# Usage: dotnet build -c Release tests/Vault.Benchmarks && tests/Vault.Benchmarks/profile-e2e.sh [--count 10000] [--seed 42]
# Runs e2e once under `perf record -a -g` (needs root or perf_event_paranoid <= 0, python3, ../shared) and prints
# whose code Vault's CPU went to from create to searchable (profile-owners.py). Environment variables pass through,
# e.g. Vault__Search__AttachmentText=false. Output: $TMPDIR/vault-bench/profile/ (e2e.log, perf.data, perf.txt).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${TMPDIR:-/tmp}/vault-bench/profile
HZ=299
mkdir -p "$OUT"
command -v perf > /dev/null || { echo "perf is not installed (Debian: apt-get install linux-perf)" >&2; exit 1; }

# Named frames for JIT-compiled code: the runtime writes /tmp/perf-<pid>.map, and with W^X on that code lives in a
# memfd mapping perf cannot resolve.
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
touch "$OUT/started"
perf record -a -g -F $HZ -o "$OUT/perf.data" > "$OUT/perf-record.log" 2>&1 &
recorder=$!
status=0
dotnet "$ROOT/tests/Vault.Benchmarks/bin/Release/net10.0/Vault.Benchmarks.dll" e2e --runs 1 "$@" > "$OUT/e2e.log" 2>&1 || status=$?
kill -INT $recorder
wait $recorder || true
[ $status -eq 0 ] || { tail -20 "$OUT/e2e.log" >&2; exit $status; }

seconds=$(sed -n 's/^run 1: searchable after \([0-9.]*\) s$/\1/p' "$OUT/e2e.log")
perf script -i "$OUT/perf.data" -F pid,tid,time,ip,sym,dso > "$OUT/perf.txt" 2> /dev/null
# Vault's process is the one whose perf map names Vault.Api's Program; the benchmark's own process wrote one too.
# perf script has read them, so they are removed (a few MB each, in /tmp).
pid=""
for map in $(ls -t /tmp/perf-*.map); do
  if [ -z "$pid" ] && grep -q '\[Vault.Api\] Program::' "$map"; then
    pid=$(basename "$map" .map); pid=${pid#perf-}
  fi
  [ "$map" -nt "$OUT/started" ] && rm -f "$map"
done
[ -n "$pid" ] || { echo "no perf map of a Vault.Api process in /tmp" >&2; exit 1; }
grep -E "time to searchable|create -> Active|Vault CPU time|compiling methods" "$OUT/e2e.log"
python3 "$ROOT/tests/Vault.Benchmarks/profile-owners.py" "$OUT/perf.txt" "$pid" "$seconds" $HZ
