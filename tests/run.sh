#!/usr/bin/env bash
# The test command (README, .ci/run): builds the solution in Release, runs every test project in two lanes at once,
# then prints one totals line. Tests that need the test Dovecot (tests/servers/dovecot/start.sh) or ../shared skip
# without them; with CI=true they fail instead. Extra arguments go to each dotnet test (e.g. --filter).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The two longest projects (API, dashboard: about 4 and 5 minutes) start at once, each followed by shorter ones, so the
# lanes end together. `dotnet test Vault.sln` ran them in build order, two at a time, and the API tests last and alone.
lane_a=(Vault.Api.Tests Vault.Ingestion.Tests)
lane_b=(Vault.Dashboard.Tests Vault.Search.Tests Vault.Archive.Tests)

for project in tests/*.Tests; do
  name="$(basename "$project")"
  if [[ ! " ${lane_a[*]} ${lane_b[*]} " =~ " $name " ]]; then
    echo "tests/run.sh: $name is in no lane; add it to lane_a or lane_b" >&2
    exit 2
  fi
done

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

dotnet build Vault.sln -c Release -nologo -v quiet

extra=("$@")
run_lane() {
  local failed=0
  for name in "$@"; do
    dotnet test "tests/$name/$name.csproj" -c Release --no-build "${extra[@]}" 2>&1 | tee -a "$log" || failed=1
  done
  return "$failed"
}

status=0
run_lane "${lane_a[@]}" &
first=$!
run_lane "${lane_b[@]}" &
second=$!
wait "$first" || status=1
wait "$second" || status=1

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
