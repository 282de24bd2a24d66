#!/usr/bin/env bash
# Prints how many stacks the local-cloud tests deployed into moto (and deleted) in this test run.
# The tests append one line per deploy to test-reports/local-cloud-deploys.log; remove that file
# before the run (`bash scripts/local-cloud-summary.sh --reset`) and call this after it.
set -euo pipefail
log="$(cd "$(dirname "$0")/.." && pwd)/test-reports/local-cloud-deploys.log"
if [ "${1:-}" = "--reset" ]; then
  rm -f "$log"
  exit 0
fi
if [ ! -f "$log" ]; then
  echo "local-cloud deploys: 0 (no $log)"
  exit 0
fi
count=$(wc -l < "$log" | tr -d ' ')
total_ms=$(awk '{ gsub("ms", "", $4); s += $4 } END { print s + 0 }' "$log")
echo "local-cloud deploys: $count stack(s) deployed into moto and deleted, $((total_ms / 1000)) s in deploys"
awk '{ print "  " $2 " " $3 " " $4 }' "$log"
