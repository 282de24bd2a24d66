#!/usr/bin/env bash
# The input-asset unpacker benchmark alone (issue 11): see bench/unpacker/run.ts. About 5 minutes on 2 cores.
#   bash bench/unpacker/run.sh                 measures and records (bench/results.json "unpacker", its RESULTS.md section)
#   BENCH_QUICK=1 bash bench/unpacker/run.sh   a short trial (64 MiB, 2,000 files); prints only
#   BENCH_CASES=big|small bash bench/unpacker/run.sh   one case; it replaces its own row only
#   bash bench/unpacker/run.sh --report-only   re-renders the section from bench/results.json
# Needs moto (bash scripts/setup-test-env.sh) and the handler bundle, rebuilt here from the working tree.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx projen bundle:training/training-input-asset.lambda >/dev/null 2>&1
out=bench/out/unpacker-build
rm -rf "$out"
mkdir -p "$out"
npx esbuild bench/unpacker/run.ts bench/unpacker/child.ts --bundle --platform=node --target=node20 --outdir="$out" \
  --log-level=warning
dirty=$(git status --porcelain -- src | wc -l)
export BENCH_LIBRARY="working tree at commit $(git rev-parse --short HEAD)$([ "$dirty" -gt 0 ] && echo ", with $dirty uncommitted change(s) in src/")"
export LOCAL_CLOUD_VENV="${LOCAL_CLOUD_VENV:-$PWD/.test-env/venv}"
BENCH_ROOT="$PWD" NODE_NO_WARNINGS=1 node "$out/run.js" "$@"
