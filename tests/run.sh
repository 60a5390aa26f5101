#!/usr/bin/env bash
# The test command (README, .ci/run): every test project in Release, then one totals line.
# Tests that need the test Dovecot (tests/servers/dovecot/start.sh) or ../shared skip without them;
# with CI=true they fail instead. Extra arguments go to dotnet test (e.g. --filter).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

status=0
dotnet test Vault.sln -c Release "$@" 2>&1 | tee "$log" || status=$?

# One summary line per test project: "Passed!  - Failed:     0, Passed:    10, Skipped:     0, Total:    10, ..."
awk '/^(Passed|Failed|Skipped)! +- Failed:/ {
       for (i = 1; i < NF; i++) {
         if ($i == "Passed:") passed += $(i + 1)
         if ($i == "Failed:") failed += $(i + 1)
         if ($i == "Skipped:") skipped += $(i + 1)
       }
     }
     END { printf "Tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }' "$log"
exit "$status"
